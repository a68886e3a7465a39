"""vendas models, one module per entity family: pedidos (orders, quotes, approval, documents,
attachments, favourites), contratos (contracts) and oportunidades (sales funnel, targets).
Import from here: `vendas.models`."""

from vendas.models.contratos import *  # noqa: F403
from vendas.models.oportunidades import *  # noqa: F403
from vendas.models.pedidos import *  # noqa: F403
from vendas.models.pedidos import TransicaoInvalida  # noqa: F401
