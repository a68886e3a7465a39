"""vendas views, one module per entity family; `vendas/urls.py` imports them from here."""

from vendas.views.anexos import *  # noqa: F403
from vendas.views.catalogo import *  # noqa: F403
from vendas.views.contratos import *  # noqa: F403
from vendas.views.indicadores import *  # noqa: F403
from vendas.views.itens import *  # noqa: F403
from vendas.views.metas import *  # noqa: F403
from vendas.views.oportunidades import *  # noqa: F403
from vendas.views.orcamentos import *  # noqa: F403
from vendas.views.pedidos import *  # noqa: F403
