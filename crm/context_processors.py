"""Navigation: the menu shows only the screens the user's groups grant (per-screen permission)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (label, url name, permission required or None, keyboard hint)
MENU: list[tuple[str, str, str | None]] = [
    ("Clientes", "cadastro:cliente-lista", "cadastro.view_cliente"),
    ("Indicadores", "cadastro:indicadores", "cadastro.ver_indicadores_cadastro"),
    ("Importações", "importacoes:importacao-lista", "cadastro.importar_clientes"),
    ("Produtos", "produtos:produto-lista", "produtos.view_produto"),
    ("Matrizes", "matrizes:regra-lista", "matrizes.view_regra"),
    ("Pedidos", "vendas:pedido-lista", "vendas.view_pedido"),
    ("Oportunidades", "vendas:oportunidade-lista", "vendas.view_oportunidade"),
    ("Indicadores de vendas", "vendas:indicadores", "vendas.add_oportunidade"),
    ("Contratos", "vendas:contrato-lista", "vendas.view_contrato"),
    ("Chamados", "atendimento:chamado-lista", "atendimento.view_chamado"),
]


def navegacao(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    itens: list[dict[str, Any]] = []
    for rotulo, nome_url, permissao in MENU:
        if permissao and not user.has_perm(permissao):
            continue
        try:
            url = reverse(nome_url)
        except NoReverseMatch:
            continue  # module not installed yet in this deployment
        itens.append({"rotulo": rotulo, "url": url, "ativo": False})
    # Only the most specific entry is current (/clientes/indicadores/ is not also "Clientes").
    candidatos = [item for item in itens if request.path.startswith(item["url"])]
    if candidatos:
        max(candidatos, key=lambda item: len(item["url"]))["ativo"] = True
    if user.is_staff:
        itens.append({"rotulo": "Administração", "url": reverse("admin:index"), "ativo": False})
    return {"menu": itens}
