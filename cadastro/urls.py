"""cadastro URLs. Each screen group keeps its routes next to its views (cadastro/views/*.py).

Names (contract): cliente-lista, cliente-exportar, cliente-criar, cliente-detalhe,
cliente-editar, cliente-aba, endereco-*, telefone-*, contato-eletronico-*, pessoa-contato-*,
consentimento-registrar, cep-consultar, indicadores, cliente-titulos-exportar.
"""

from cadastro.views import detalhe, indicadores, lista

app_name = "cadastro"
urlpatterns = [*lista.rotas, *detalhe.rotas, *indicadores.rotas]
