"""Client record screens: detail with tabs, create/edit, sub-records, consent, CEP lookup.

Every view reaches the client through `cliente_obter` (404 outside visibility) before
reading or writing anything. Tabs and inline sub-forms swap `#painel-cliente`; each tab
has one partial (`partials/cliente_<aba>.html`) that the full page includes as well, so the
page and the htmx swap cannot drift apart. Without JavaScript every link and form still
works: GETs render the full page, successful POSTs redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadastro import selectors
from cadastro.constants import CanalContato, FiltroTitulos, OrigemAlteracao
from cadastro.forms import (
    ClienteForm,
    ConsentimentoForm,
    ContatoEletronicoForm,
    EnderecoForm,
    PessoaContatoForm,
    TelefoneForm,
    aplicar_erros,
    erro_duplicado,
)
from cadastro.geografia import consultar_cep
from cadastro.models import Cliente, Municipio
from cadastro.selectors import cliente_obter
from cadastro.services import (
    ClienteDuplicado,
    ConflitoDeVersao,
    cliente_atualizar,
    cliente_criar,
    consentimento_registrar,
    contato_eletronico_excluir,
    contato_eletronico_salvar,
    endereco_excluir,
    endereco_salvar,
    pessoa_contato_excluir,
    pessoa_contato_salvar,
    telefone_excluir,
    telefone_salvar,
)
from contas.constants import SIGLAS_UF
from crm.listas import TIPO_XLSX
from crm.xlsx import Coluna, exportar_xlsx

ABAS: list[tuple[str, str]] = [
    ("dados", "Dados"),
    ("enderecos", "Endereços"),
    ("contatos", "Telefones e contatos"),
    ("consentimentos", "Consentimentos"),
    ("historico", "Histórico"),
    ("linha-do-tempo", "Linha do tempo"),
    ("financeiro", "Financeiro"),
]
SLUGS_ABAS = {slug for slug, _ in ABAS}
# A tab only for who holds its permission (hidden from the bar, 403 by URL).
PERMISSAO_ABA = {"financeiro": "cadastro.view_tituloreceber"}


def _abas_do_usuario(user: Any) -> list[tuple[str, str]]:
    return [
        (slug, rotulo)
        for slug, rotulo in ABAS
        if slug not in PERMISSAO_ABA or user.has_perm(PERMISSAO_ABA[slug])
    ]


@dataclass
class Subform:
    """An inline form open inside a tab (new or edit of one sub-record)."""

    tipo: str  # "endereco" | "telefone" | "contato-eletronico" | "pessoa-contato"
    form: Form
    url: str
    titulo: str


# --- rendering helpers -----------------------------------------------------------------


def _contexto_aba(request: HttpRequest, cliente: Cliente, aba: str) -> dict[str, Any]:
    pagina = request.GET.get("pagina", 1)
    ctx: dict[str, Any] = {"cliente": cliente, "aba": aba, "abas": _abas_do_usuario(request.user)}
    if aba == "enderecos":
        ctx["enderecos"] = selectors.enderecos_do_cliente(cliente)
    elif aba == "contatos":
        ctx["telefones"] = selectors.telefones_do_cliente(cliente)
        ctx["contatos_eletronicos"] = selectors.contatos_eletronicos_do_cliente(cliente)
        ctx["pessoas"] = selectors.pessoas_contato_do_cliente(cliente)
    elif aba == "consentimentos":
        ctx["consentimentos"] = selectors.consentimentos_atuais(cliente)
        ctx["pagina"] = selectors.consentimentos_historico(cliente, pagina=pagina)
    elif aba == "historico":
        ctx["pagina"] = selectors.historico_cliente(cliente, pagina=pagina)
    elif aba == "linha-do-tempo":
        ctx["pagina"] = selectors.linha_do_tempo(cliente, pagina=pagina)
    elif aba == "financeiro":
        filtro = selectors.filtro_titulos(request.GET.get("filtro"))
        ctx["filtro"] = filtro
        ctx["filtros"] = FiltroTitulos.choices
        ctx["resumo"] = selectors.resumo_financeiro(cliente)
        ctx["pagina"] = selectors.titulos_do_cliente(cliente, filtro, pagina)
        ctx["hoje"] = timezone.localdate()
        ctx["qs_paginacao"] = urlencode({"filtro": filtro})
    return ctx


def _template_aba(aba: str) -> str:
    return f"cadastro/partials/cliente_{aba.replace('-', '_')}.html"


def _parcial(request: HttpRequest) -> bool:
    """An htmx swap of #painel-cliente (not a history restore, which needs the whole page)."""
    htmx = request.htmx  # type: ignore[attr-defined]
    return bool(htmx) and not htmx.history_restore_request


def _render_aba(
    request: HttpRequest,
    cliente: Cliente,
    aba: str,
    *,
    status: int = 200,
    pagina_inteira: bool = False,
    **extra: Any,
) -> HttpResponse:
    """The tab's partial for htmx, the whole detail page otherwise (same partial inside)."""
    ctx = _contexto_aba(request, cliente, aba)
    ctx.update(extra)
    ctx["template_aba"] = _template_aba(aba)
    if _parcial(request) and not pagina_inteira:
        resposta = render(request, ctx["template_aba"], ctx, status=status)
    else:
        resposta = render(request, "cadastro/cliente_detalhe.html", ctx, status=status)
    patch_vary_headers(resposta, ["HX-Request"])
    return resposta


def _depois_de_salvar(request: HttpRequest, cliente: Cliente, aba: str, aviso: str) -> HttpResponse:
    """htmx: the refreshed tab with a notice; plain POST: redirect (PRG) with a message."""
    if _parcial(request):
        return _render_aba(request, cliente, aba, aviso=aviso)
    messages.success(request, aviso)
    return redirect(f"{reverse('cadastro:cliente-detalhe', args=[cliente.pk])}?aba={aba}")


# --- the client ------------------------------------------------------------------------


@login_required
@permission_required("cadastro.view_cliente", raise_exception=True)
@require_GET
def cliente_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    cliente = cliente_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    aba = request.GET.get("aba", "dados")
    if aba not in SLUGS_ABAS:
        aba = "dados"
    _exigir_permissao_aba(request, aba)
    # The URL that tabs push into the history: always the whole page (htmx may re-request it
    # on back/forward when its history cache misses).
    return _render_aba(request, cliente, aba, pagina_inteira=True)


@login_required
@permission_required("cadastro.view_cliente", raise_exception=True)
@require_GET
def cliente_aba(request: HttpRequest, pk: int, aba: str) -> HttpResponse:
    cliente = cliente_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    if aba not in SLUGS_ABAS:
        raise Http404("Aba inexistente.")
    _exigir_permissao_aba(request, aba)
    return _render_aba(request, cliente, aba)


def _exigir_permissao_aba(request: HttpRequest, aba: str) -> None:
    """After the client's visibility check (404 first: a 403 would confirm it exists)."""
    permissao = PERMISSAO_ABA.get(aba)
    if permissao and not request.user.has_perm(permissao):
        raise PermissionDenied


@login_required
@permission_required(
    ["cadastro.view_tituloreceber", "cadastro.exportar_titulos"], raise_exception=True
)
@require_GET
def cliente_titulos_exportar(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's titles under the tab's filter, as a typed pt-BR .xlsx."""
    cliente = cliente_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    filtro = selectors.filtro_titulos(request.GET.get("filtro"))
    hoje = timezone.localdate()
    titulos = selectors.titulos_filtrados(cliente, filtro, hoje=hoje).select_related("pedido")
    linhas = (
        (
            t.documento,
            t.parcela,
            t.get_especie_display(),
            t.emissao,
            t.vencimento,
            t.valor,
            t.valor_pago,
            t.saldo,
            t.pago_em,
            str(t.situacao_em(hoje).label),
            t.dias_atraso_em(hoje) or None,
            t.pedido.numero if t.pedido_id else None,  # type: ignore[union-attr]
        )
        for t in titulos.iterator(chunk_size=2000)
    )
    conteudo = exportar_xlsx(COLUNAS_TITULOS, linhas, titulo_planilha="Títulos a receber")
    nome = f"titulos_{cliente.pk}_{filtro}_{timezone.localtime().strftime('%Y%m%d_%H%M')}.xlsx"
    resposta = HttpResponse(conteudo, content_type=TIPO_XLSX)
    resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return resposta


COLUNAS_TITULOS = [
    Coluna("Documento", "texto", 16),
    Coluna("Parcela", "texto", 9),
    Coluna("Espécie", "texto", 18),
    Coluna("Emissão", "data"),
    Coluna("Vencimento", "data"),
    Coluna("Valor", "moeda"),
    Coluna("Valor pago", "moeda"),
    Coluna("Saldo", "moeda"),
    Coluna("Pago em", "data"),
    Coluna("Situação", "texto", 18),
    Coluna("Dias de atraso", "inteiro"),
    Coluna("Pedido", "inteiro"),
]


@login_required
@permission_required("cadastro.add_cliente", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cliente_criar_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ClienteForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            cliente = cliente_criar(dados=form.dados_servico(), ator=user)  # type: ignore[arg-type]
        except ClienteDuplicado as exc:
            form.add_error(exc.campo, erro_duplicado(exc, user))  # type: ignore[arg-type]
        except ValidationError as exc:
            aplicar_erros(form, exc)
        else:
            messages.success(request, f"Cliente {cliente.nome} cadastrado.")
            return redirect("cadastro:cliente-detalhe", pk=cliente.pk)
    return render(request, "cadastro/cliente_form.html", {"form": form, "cliente": None})


@login_required
@permission_required("cadastro.change_cliente", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cliente_editar(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cliente = cliente_obter(user=user, pk=pk)  # type: ignore[arg-type]
    form = ClienteForm(request.POST or None, user=user, cliente=cliente)  # type: ignore[arg-type]
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            cliente_atualizar(
                cliente=cliente,
                dados=form.dados_servico(),
                ator=user,  # type: ignore[arg-type]
                versao=form.cleaned_data.get("versao"),
            )
        except ConflitoDeVersao as exc:
            form.add_error(None, _mensagem_conflito(exc, pk))
            status = 409
        except ClienteDuplicado as exc:
            form.add_error(exc.campo, erro_duplicado(exc, user))  # type: ignore[arg-type]
        except ValidationError as exc:
            aplicar_erros(form, exc)
        else:
            messages.success(request, "Cadastro salvo.")
            return redirect("cadastro:cliente-detalhe", pk=cliente.pk)
    return render(
        request, "cadastro/cliente_form.html", {"form": form, "cliente": cliente}, status=status
    )


def _mensagem_conflito(exc: ConflitoDeVersao, pk: int) -> str:
    quando = (
        date_format(timezone.localtime(exc.ultima.quando), "d/m/Y \\à\\s H:i")
        if exc.ultima.quando
        else "agora há pouco"
    )
    return format_html(
        "Este cliente foi alterado por {} em {} enquanto você editava. "
        '<a href="{}">Recarregue</a> para ver a versão atual e refazer a alteração; '
        "o que você digitou está mantido abaixo.",
        exc.ultima.autor,
        quando,
        reverse("cadastro:cliente-editar", args=[pk]),
    )


# --- sub-records -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filho:
    """How one kind of sub-record is edited: its form, service, tab and labels."""

    tipo: str
    aba: str
    relacao: str
    form: Callable[..., Form]
    form_kw: str
    salvar: Callable[..., Any]
    excluir: Callable[..., Any]
    servico_kw: str
    nome: str  # "Telefone"
    genero: str  # "o" | "a"
    mapa_erros: dict[str, str]

    def dados(self, form: Form) -> dict[str, Any]:
        if hasattr(form, "dados_servico"):
            return form.dados_servico()
        return dict(form.cleaned_data)


FILHOS: dict[str, Filho] = {
    "endereco": Filho(
        "endereco",
        "enderecos",
        "enderecos",
        EnderecoForm,
        "endereco",
        endereco_salvar,
        endereco_excluir,
        "endereco",
        "Endereço",
        "o",
        {},
    ),
    "telefone": Filho(
        "telefone",
        "contatos",
        "telefones",
        TelefoneForm,
        "telefone",
        telefone_salvar,
        telefone_excluir,
        "telefone",
        "Telefone",
        "o",
        {"ddd": "fone", "numero": "fone"},
    ),
    "contato-eletronico": Filho(
        "contato-eletronico",
        "contatos",
        "contatos_eletronicos",
        ContatoEletronicoForm,
        "contato",
        contato_eletronico_salvar,
        contato_eletronico_excluir,
        "contato",
        "Contato eletrônico",
        "o",
        {},
    ),
    "pessoa-contato": Filho(
        "pessoa-contato",
        "contatos",
        "pessoas_contato",
        PessoaContatoForm,
        "pessoa",
        pessoa_contato_salvar,
        pessoa_contato_excluir,
        "pessoa",
        "Pessoa de contato",
        "a",
        {},
    ),
}


def _subrecurso(filho: Filho, request: HttpRequest, pk: int, item: int | None) -> HttpResponse:
    user = request.user
    cliente = cliente_obter(user=user, pk=pk)  # type: ignore[arg-type]
    obj = get_object_or_404(getattr(cliente, filho.relacao), pk=item) if item else None
    kwargs = {filho.form_kw: obj}
    form = filho.form(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            filho.salvar(
                cliente=cliente,
                dados=filho.dados(form),
                ator=user,
                origem=OrigemAlteracao.TELA,
                **{filho.servico_kw: obj},
            )
        except ValidationError as exc:
            aplicar_erros(form, exc, filho.mapa_erros)
        else:
            acao = ("alterad" if obj else "incluíd") + filho.genero
            return _depois_de_salvar(request, cliente, filho.aba, f"{filho.nome} {acao}.")
    if obj:
        url = reverse(f"cadastro:{filho.tipo}-editar", args=[cliente.pk, obj.pk])
        titulo = f"Alterar {filho.nome.lower()}"
    else:
        url = reverse(f"cadastro:{filho.tipo}-criar", args=[cliente.pk])
        titulo = f"Nov{filho.genero} {filho.nome.lower()}"
    subform = Subform(tipo=filho.tipo, form=form, url=url, titulo=titulo)
    return _render_aba(request, cliente, filho.aba, subform=subform)


def _excluir(filho: Filho, request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = request.user
    cliente = cliente_obter(user=user, pk=pk)  # type: ignore[arg-type]
    obj = get_object_or_404(getattr(cliente, filho.relacao), pk=item)
    filho.excluir(ator=user, origem=OrigemAlteracao.TELA, **{filho.servico_kw: obj})
    return _depois_de_salvar(request, cliente, filho.aba, f"{filho.nome} excluíd{filho.genero}.")


def _views_filho(filho: Filho) -> tuple[Callable[..., HttpResponse], ...]:
    @login_required
    @permission_required("cadastro.change_cliente", raise_exception=True)
    @require_http_methods(["GET", "POST"])
    def criar(request: HttpRequest, pk: int) -> HttpResponse:
        return _subrecurso(filho, request, pk, None)

    @login_required
    @permission_required("cadastro.change_cliente", raise_exception=True)
    @require_http_methods(["GET", "POST"])
    def editar(request: HttpRequest, pk: int, item: int) -> HttpResponse:
        return _subrecurso(filho, request, pk, item)

    @login_required
    @permission_required("cadastro.change_cliente", raise_exception=True)
    @require_POST
    def excluir(request: HttpRequest, pk: int, item: int) -> HttpResponse:
        return _excluir(filho, request, pk, item)

    return criar, editar, excluir


# --- consent ---------------------------------------------------------------------------


@login_required
@permission_required("cadastro.change_cliente", raise_exception=True)
@require_POST
def consentimento_registrar_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cliente = cliente_obter(user=user, pk=pk)  # type: ignore[arg-type]
    form = ConsentimentoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        consentimento_registrar(
            cliente=cliente,
            canal=d["canal"],
            concedido=d["concedido"],
            ator=user,  # type: ignore[arg-type]
            origem=OrigemAlteracao.TELA,
            observacao=d["observacao"],
        )
        rotulo = CanalContato(d["canal"]).label
        aviso = f"Consentimento {'concedido' if d['concedido'] else 'revogado'}: {rotulo}."
        return _depois_de_salvar(request, cliente, "consentimentos", aviso)
    return _render_aba(request, cliente, "consentimentos", form_consentimento=form)


# --- address helpers (htmx) ------------------------------------------------------------


@login_required
@require_GET
def cep_consultar(request: HttpRequest) -> HttpResponse:
    """Fill logradouro/bairro/UF/município from the local CEP table; never blocks the user.

    Receives the address form's current values (hx-include) and returns the block of fields
    that the CEP decides, keeping what the person typed where the CEP knows nothing better.
    """
    dados = request.GET.copy()
    resultado = consultar_cep(dados.get("cep", ""))
    if resultado.uf:
        dados["uf"] = resultado.uf
    if resultado.municipio_id:
        dados["municipio"] = str(resultado.municipio_id)
    if resultado.precisao == "logradouro":
        for campo in ("logradouro", "bairro"):
            if getattr(resultado, campo):
                dados[campo] = getattr(resultado, campo)
    form = EnderecoForm(initial={k: dados.get(k, "") for k in EnderecoForm.base_fields})
    mensagem = resultado.mensagem if dados.get("cep", "").strip() else ""
    resposta = render(
        request,
        "cadastro/partials/endereco_campos_cep.html",
        {"form": form, "mensagem_cep": mensagem, "precisao_cep": resultado.precisao},
    )
    patch_vary_headers(resposta, ["HX-Request"])
    return resposta


@login_required
@require_GET
def municipio_opcoes(request: HttpRequest) -> HttpResponse:
    """<option>s of one UF's municipalities for the address form's select."""
    uf = (request.GET.get("uf") or "").upper()
    municipios = (
        Municipio.objects.filter(uf=uf).values_list("codigo_ibge", "nome")
        if uf in SIGLAS_UF
        else []
    )
    return render(
        request,
        "cadastro/partials/municipio_opcoes.html",
        {"municipios": municipios, "uf": uf if uf in SIGLAS_UF else ""},
    )


# --- routes ----------------------------------------------------------------------------

rotas = [
    path("novo/", cliente_criar_view, name="cliente-criar"),
    path("cep/", cep_consultar, name="cep-consultar"),
    path("municipios/", municipio_opcoes, name="municipio-opcoes"),
    path("<int:pk>/", cliente_detalhe, name="cliente-detalhe"),
    path("<int:pk>/editar/", cliente_editar, name="cliente-editar"),
    path("<int:pk>/aba/<slug:aba>/", cliente_aba, name="cliente-aba"),
    path("<int:pk>/titulos/exportar/", cliente_titulos_exportar, name="cliente-titulos-exportar"),
    path("<int:pk>/consentimentos/", consentimento_registrar_view, name="consentimento-registrar"),
]
_SEGMENTOS = {
    "endereco": "enderecos",
    "telefone": "telefones",
    "contato-eletronico": "contatos-eletronicos",
    "pessoa-contato": "pessoas-contato",
}
for _tipo, _filho in FILHOS.items():
    _criar, _editar, _excluir_view = _views_filho(_filho)
    _seg = _SEGMENTOS[_tipo]
    rotas += [
        path(f"<int:pk>/{_seg}/novo/", _criar, name=f"{_tipo}-criar"),
        path(f"<int:pk>/{_seg}/<int:item>/editar/", _editar, name=f"{_tipo}-editar"),
        path(f"<int:pk>/{_seg}/<int:item>/excluir/", _excluir_view, name=f"{_tipo}-excluir"),
    ]
