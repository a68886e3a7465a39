"""vendas services (writes that span models), one module per entity family. Import the public
functions from here; private helpers from their module (`vendas.services.pedidos`)."""

from vendas.services.contratos import *  # noqa: F403
from vendas.services.pedidos import *  # noqa: F403
