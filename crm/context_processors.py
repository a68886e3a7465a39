"""Navigation: the menu shows only the screens the user's groups grant (per-screen permission),
grouped by module so it fits one line on a 1366 px laptop whatever the role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

Entrada = tuple[str, str, str | None]  # (label, url name, permission required or None)

# (module, its screens). A module with one screen the user may open is a plain link; with
# several, a drop-down (<details>: keyboard and screen reader friendly, no script needed).
MENU: list[tuple[str, list[Entrada]]] = [
    ("Clientes", [
        ("Clientes", "cadastro:cliente-lista", "cadastro.view_cliente"),
        ("Indicadores de clientes", "cadastro:indicadores", "cadastro.ver_indicadores_cadastro"),
        ("Importações", "importacoes:importacao-lista", "cadastro.importar_clientes"),
    ]),
    ("Produtos", [
        ("Produtos", "produtos:produto-lista", "produtos.view_produto"),
        ("Matrizes", "matrizes:regra-lista", "matrizes.view_regra"),
    ]),
    ("Vendas", [
        ("Pedidos", "vendas:pedido-lista", "vendas.view_pedido"),
        ("Fila de aprovação", "vendas:aprovacao-fila", "vendas.aprovar_pedido"),
        ("Oportunidades", "vendas:oportunidade-lista", "vendas.view_oportunidade"),
        ("Contratos", "vendas:contrato-lista", "vendas.view_contrato"),
        ("Metas", "vendas:meta-lista", "vendas.add_metavenda"),
        ("Indicadores de vendas", "vendas:indicadores", "vendas.add_oportunidade"),
    ]),
    ("Atendimento", [
        ("Chamados", "atendimento:chamado-lista", "atendimento.view_chamado"),
    ]),
]  # fmt: skip


def navegacao(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    grupos: list[dict[str, Any]] = []
    for modulo, entradas in MENU:
        itens = []
        for rotulo, nome_url, permissao in entradas:
            if permissao and not user.has_perm(permissao):
                continue
            try:
                url = reverse(nome_url)
            except NoReverseMatch:
                continue  # module not installed yet in this deployment
            itens.append({"rotulo": rotulo, "url": url, "ativo": False})
        if itens:
            grupos.append({"rotulo": modulo, "itens": itens, "ativo": False})
    # Only the most specific screen is current (/clientes/indicadores/ is not also "Clientes");
    # its module is marked too.
    candidatos = [
        (item, grupo)
        for grupo in grupos
        for item in grupo["itens"]
        if request.path.startswith(item["url"])
    ]
    if candidatos:
        item, grupo = max(candidatos, key=lambda par: len(par[0]["url"]))
        item["ativo"] = grupo["ativo"] = True
    if user.is_staff:
        admin = {"rotulo": "Administração", "url": reverse("admin:index"), "ativo": False}
        grupos.append({"rotulo": "Administração", "itens": [admin], "ativo": False})
    return {"menu": grupos}
