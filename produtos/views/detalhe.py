"""Product maintenance: detail with tabs, create (simples/avançado), edit, sections, history.

Every view reaches the product through `produto_obter`. A tab the role lacks (Custos for a rep)
is 403. Tabs and section forms swap `#painel-produto`; the full page includes the same tab
partial, so page and swap cannot drift apart. Without JavaScript everything still works: GETs
render the full page, successful POSTs redirect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from produtos.forms import ProdutoForm, ProdutoSimplesForm
from produtos.historico import historico_produto
from produtos.models import EventoProduto, PrecoLista, Produto
from produtos.secoes import ABAS_POR_SLUG, SECOES_POR_SLUG, Aba, Secao, abas_visiveis
from produtos.selectors import hoje, pode_ver_custos, produto_obter
from produtos.services import (
    item_incluir,
    item_remover,
    preco_definir,
    produto_atualizar,
    produto_criar,
)

if TYPE_CHECKING:
    from contas.models import Usuario


LIMITE_LINHAS_SECAO = 200


def _usuario(request: HttpRequest) -> Usuario:
    """The logged-in user (every view here is behind login_required)."""
    return cast("Usuario", request.user)


def _aba(user: Any, slug: str) -> Aba:
    aba = ABAS_POR_SLUG.get(slug)
    if aba is None:
        raise Http404("Aba inexistente.")
    if not aba.pode_ver(user):
        raise PermissionDenied("Seu papel não tem acesso a esta aba.")
    return aba


def _secao(user: Any, slug: str, *, editar: bool) -> tuple[Aba, Secao]:
    if slug not in SECOES_POR_SLUG:
        raise Http404("Seção inexistente.")
    aba, secao = SECOES_POR_SLUG[slug]
    if not aba.pode_ver(user) or not secao.pode_ver(user):
        raise PermissionDenied("Seu papel não tem acesso a esta seção.")
    if editar and not secao.pode_editar(user):
        raise PermissionDenied("Seu papel não pode alterar esta seção.")
    return aba, secao


def _exibir(produto: Produto, nome: str) -> Any:
    campo = Produto._meta.get_field(nome)
    if getattr(campo, "choices", None):
        return getattr(produto, f"get_{nome}_display")()
    valor = getattr(produto, nome)
    if isinstance(valor, bool):
        return "Sim" if valor else "Não"
    return valor


def _campos_leitura(produto: Produto, secao: Secao) -> list[tuple[str, Any]]:
    """(label, value) of a field-group section, for who may see but not edit it."""
    assert secao.form_produto is not None
    return [
        (str(getattr(Produto._meta.get_field(nome), "verbose_name", nome)), _exibir(produto, nome))
        for nome in secao.form_produto._meta.fields  # type: ignore[union-attr]
    ]


def _contexto_aba(
    request: HttpRequest,
    produto: Produto,
    aba: Aba,
    formularios: dict[str, Any] | None = None,
) -> dict[str, Any]:
    user = _usuario(request)
    formularios = formularios or {}
    blocos = []
    for secao in aba.secoes:
        if not secao.pode_ver(user):
            continue
        editar = secao.pode_editar(user)
        form = formularios.get(secao.slug)
        if form is None and editar:
            if secao.form_item is not None:
                form = secao.form_item(produto=produto, user=user, prefix=secao.slug)
            elif secao.form_produto is not None:
                form = secao.form_produto(instance=produto, prefix=secao.slug)
        linhas = None
        truncado = False
        if secao.linhas:
            # A product may have prices for thousands of clients: the tab shows the first ones
            # (the list, filtered, is the place to browse them all).
            linhas = list(secao.linhas(user, produto)[: LIMITE_LINHAS_SECAO + 1])
            truncado = len(linhas) > LIMITE_LINHAS_SECAO
            linhas = linhas[:LIMITE_LINHAS_SECAO]
        campos = _campos_leitura(produto, secao) if secao.form_produto and not editar else []
        blocos.append(
            {
                "secao": secao,
                "form": form,
                "editar": editar,
                "linhas": linhas,
                "campos": campos,
                "truncado": truncado,
            }
        )
    contexto: dict[str, Any] = {
        "produto": produto,
        "aba": aba,
        "abas": abas_visiveis(user),
        "blocos": blocos,
        "hoje": hoje(),
        "ver_custos": pode_ver_custos(user),
        "pode_editar_produto": user.has_perm("produtos.change_produto"),
    }
    if aba.slug == "produto":
        contexto["eventos"] = EventoProduto.objects.filter(produto=produto).select_related("ator")[
            :10
        ]
        contexto["preco_atual"] = (
            PrecoLista.objects.visiveis_para(user)
            .filter(produto=produto, tabela__isnull=False)
            .vigentes_em(hoje())
            .select_related("tabela")
            .order_by("tabela__descricao")
        )
    if aba.slug == "historico":
        contexto["historico"] = historico_produto(produto, pagina=request.GET.get("pagina", 1))
    return contexto


def _parcial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _responder_aba(
    request: HttpRequest,
    produto: Produto,
    aba: Aba,
    formularios: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    contexto = _contexto_aba(request, produto, aba, formularios)
    if _parcial(request):
        # htmx swaps only 2xx answers: a refused form comes back as 200 with its errors.
        resposta = render(request, aba.template, contexto, status=200)
    else:
        resposta = render(request, "produtos/produto_detalhe.html", contexto, status=status)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("produtos.view_produto", raise_exception=True)
@require_GET
def produto_detalhe(request: HttpRequest, pk: int, aba: str = "produto") -> HttpResponse:
    produto = produto_obter(user=_usuario(request), pk=pk)
    return _responder_aba(request, produto, _aba(request.user, aba))


@login_required
@permission_required("produtos.view_produto", raise_exception=True)
@require_POST
def secao_incluir(request: HttpRequest, pk: int, secao: str) -> HttpResponse:
    """Add a row to a section (or save the product fields of a field-group section)."""
    produto = produto_obter(user=_usuario(request), pk=pk)
    aba, sec = _secao(request.user, secao, editar=True)
    if sec.form_produto is not None:
        form: Any = sec.form_produto(request.POST, instance=produto, prefix=sec.slug)
    else:
        assert sec.form_item is not None
        form = sec.form_item(
            request.POST, request.FILES, produto=produto, user=_usuario(request), prefix=sec.slug
        )
    if form.is_valid():
        try:
            if sec.form_produto is not None:
                produto_atualizar(
                    produto=form.save(commit=False),
                    campos=form.changed_data,
                    ator=_usuario(request),
                )
                messages.success(request, f"{sec.titulo}: alterações salvas.")
            elif sec.slug == "precos":
                preco_definir(preco=form.save(commit=False), ator=_usuario(request))
                messages.success(request, "Preço de lista registrado.")
            else:
                item_incluir(
                    produto=produto,
                    objeto=form.save(commit=False),
                    secao=sec.slug,
                    ator=_usuario(request),
                )
                messages.success(request, f"{sec.titulo}: item incluído.")
        except ValidationError as exc:
            for mensagem in exc.messages:
                form.add_error(None, mensagem)
        else:
            if _parcial(request):
                produto.refresh_from_db()
                return _responder_aba(request, produto, aba)
            return redirect("produtos:produto-aba", pk=produto.pk, aba=aba.slug)
    # A bound ModelForm writes what was typed into its instance even when invalid: reload the
    # product for the rest of the page (the form itself keeps what the user typed).
    produto.refresh_from_db()
    return _responder_aba(request, produto, aba, {sec.slug: form}, status=422)


@login_required
@permission_required("produtos.view_produto", raise_exception=True)
@require_POST
def secao_remover(request: HttpRequest, pk: int, secao: str, item: int) -> HttpResponse:
    produto = produto_obter(user=_usuario(request), pk=pk)
    aba, sec = _secao(request.user, secao, editar=True)
    if sec.linhas is None:
        raise Http404("Seção sem itens.")
    # The row must be among what this user sees of this product (a client price of a client
    # outside the user's visibility is a 404).
    objeto = get_object_or_404(sec.linhas(_usuario(request), produto), pk=item)
    item_remover(produto=produto, objeto=objeto, secao=sec.slug, ator=_usuario(request))
    messages.success(request, f"{sec.titulo}: item removido.")
    if _parcial(request):
        return _responder_aba(request, produto, aba)
    return redirect("produtos:produto-aba", pk=produto.pk, aba=aba.slug)


@login_required
@permission_required("produtos.add_produto", raise_exception=True)
@require_http_methods(["GET", "POST"])
def produto_criar_view(request: HttpRequest) -> HttpResponse:
    """“Adicionar Produto”: simples (mandatory fields) or avançado (all fields)."""
    avancado = request.GET.get("modo") == "avancado"
    classe = ProdutoForm if avancado else ProdutoSimplesForm
    form = classe(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            produto = produto_criar(produto=form.save(commit=False), ator=_usuario(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Produto {produto.codigo} cadastrado.")
            return redirect("produtos:produto-detalhe", pk=produto.pk)
    return render(
        request,
        "produtos/produto_form.html",
        {"form": form, "avancado": avancado, "produto": None},
        status=422 if form.errors else 200,
    )


@login_required
@permission_required("produtos.change_produto", raise_exception=True)
@require_http_methods(["GET", "POST"])
def produto_editar(request: HttpRequest, pk: int) -> HttpResponse:
    produto = produto_obter(user=_usuario(request), pk=pk)
    form = ProdutoForm(request.POST or None, instance=produto)
    if request.method == "POST" and form.is_valid():
        try:
            produto_atualizar(
                produto=form.save(commit=False), campos=form.changed_data, ator=_usuario(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Produto atualizado.")
            return redirect("produtos:produto-detalhe", pk=produto.pk)
    return render(
        request,
        "produtos/produto_form.html",
        {"form": form, "avancado": True, "produto": produto},
        status=422 if form.errors else 200,
    )


def url_aba(produto: Produto, aba: str) -> str:
    return reverse("produtos:produto-aba", args=[produto.pk, aba])


rotas: list[URLPattern] = [
    path("novo/", produto_criar_view, name="produto-criar"),
    path("<int:pk>/", produto_detalhe, name="produto-detalhe"),
    path("<int:pk>/editar/", produto_editar, name="produto-editar"),
    path("<int:pk>/aba/<slug:aba>/", produto_detalhe, name="produto-aba"),
    path("<int:pk>/secao/<slug:secao>/incluir/", secao_incluir, name="secao-incluir"),
    path("<int:pk>/secao/<slug:secao>/<int:item>/remover/", secao_remover, name="secao-remover"),
]
