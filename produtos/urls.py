"""produtos URLs (contract for other apps): produto-lista, produto-exportar,
produto-autocompletar, produto-criar, produto-detalhe, produto-editar, produto-aba,
secao-incluir, secao-remover, preco-modelo."""

from produtos.views import detalhe, lista

app_name = "produtos"
urlpatterns = [*lista.rotas, *detalhe.rotas]
