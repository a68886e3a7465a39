"""Screens of imports: list, upload, the job (with its polled progress), error file, template.

Who may use them: whoever may run at least one import kind (`TipoImportacao.permissao`; for
clients `cadastro.importar_clientes`, the Administrador role). A job of a kind the user cannot
run is a 404, like any object outside the user's visibility.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from crm.arquivos import ArquivoRecusado
from crm.listas import TIPO_XLSX, ListaBaseView
from crm.xlsx import Coluna
from importacoes.erros import gerar_arquivo_erros
from importacoes.filters import ImportacaoFilter
from importacoes.forms import ImportacaoForm
from importacoes.modelo import gerar_modelo
from importacoes.models import Importacao
from importacoes.selectors import importacao_obter, importacoes_visiveis, objetos_importados
from importacoes.services import importacao_criar
from importacoes.tables import ImportacaoTable
from importacoes.tipos import TipoImportacao, obter_tipo, tipos_do_usuario

OBJETOS_POR_PAGINA = 25


def _tipos(request: HttpRequest) -> list[TipoImportacao]:
    tipos = tipos_do_usuario(request.user)  # type: ignore[arg-type]
    if not tipos:
        raise PermissionDenied("Sem permissão para importações.")
    return tipos


def _tipo_permitido(request: HttpRequest, codigo: str) -> TipoImportacao:
    try:
        tipo = obter_tipo(codigo)
    except LookupError:
        raise Http404("Tipo de importação desconhecido.") from None
    if not tipo.pode_importar(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Sem permissão para esta importação.")
    return tipo


class ImportacaoListaView(ListaBaseView):
    table_class = ImportacaoTable
    filterset_class = ImportacaoFilter
    model = Importacao
    template_name = "importacoes/importacao_lista.html"
    template_parcial = "importacoes/partials/importacao_tabela.html"
    nome_exportacao = "importacoes"
    url_exportar = "importacoes:importacao-exportar"
    rotulo_singular = "importação"
    rotulo_plural = "importações"
    ordem_padrao = "-criado_em"

    def has_permission(self) -> bool:
        return bool(tipos_do_usuario(self.request.user))  # type: ignore[arg-type]

    def get_permission_required(self) -> Sequence[str]:
        return []

    def get_queryset(self) -> QuerySet[Importacao]:
        return importacoes_visiveis(self.request.user)  # type: ignore[arg-type]

    def anotar(self, qs: QuerySet[Importacao]) -> QuerySet[Importacao]:
        return qs.select_related("criado_por")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        # Exporting the list of jobs needs nothing more than seeing it.
        contexto["url_exportar"] = reverse(self.url_exportar)
        contexto["tipos"] = tipos_do_usuario(self.request.user)  # type: ignore[arg-type]
        return contexto

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Nº", "inteiro", 8),
            Coluna("Tipo", "texto", 12),
            Coluna("Arquivo", "texto", 30),
            Coluna("Enviada por", "texto", 24),
            Coluna("Enviada em", "datahora"),
            Coluna("Concluída em", "datahora"),
            Coluna("Situação", "texto", 20),
            Coluna("Lidas", "inteiro"),
            Coluna("Criadas", "inteiro"),
            Coluna("Atualizadas", "inteiro"),
            Coluna("Sem alteração", "inteiro"),
            Coluna("Rejeitadas", "inteiro"),
            Coluna("Com aviso", "inteiro"),
        ]

    def linha_exportacao(self, i: Any) -> Sequence[Any]:
        return (
            i.pk,
            obter_tipo(i.tipo).nome,
            i.nome_arquivo,
            str(i.criado_por),
            i.criado_em,
            i.concluido_em,
            i.get_status_display(),
            i.linhas_lidas,
            i.criadas,
            i.atualizadas,
            i.sem_alteracao,
            i.rejeitadas,
            i.com_aviso,
        )


@login_required
@require_http_methods(["GET", "POST"])
def importacao_criar_view(request: HttpRequest) -> HttpResponse:
    tipo = _tipo_permitido(request, request.GET.get("tipo") or "clientes")
    enviado = request.method == "POST"
    form = ImportacaoForm(request.POST if enviado else None, request.FILES if enviado else None)
    if enviado and form.is_valid():
        arquivo = form.cleaned_data["arquivo"]
        try:
            importacao = importacao_criar(
                tipo=tipo.codigo,
                arquivo=arquivo,
                nome_arquivo=arquivo.name,
                ator=request.user,  # type: ignore[arg-type]
            )
        except ArquivoRecusado as exc:
            form.add_error("arquivo", exc.mensagem)
        else:
            messages.success(
                request,
                f"Importação {importacao.pk} recebida: o arquivo entrou na fila de "
                "processamento. Acompanhe o andamento abaixo.",
            )
            return redirect("importacoes:importacao-detalhe", pk=importacao.pk)
    return render(
        request,
        "importacoes/importacao_criar.html",
        {"form": form, "tipo": tipo},
        status=400 if form.errors else 200,
    )


def _contexto_situacao(request: HttpRequest, importacao: Importacao) -> dict[str, Any]:
    tipo = obter_tipo(importacao.tipo)
    contexto: dict[str, Any] = {"importacao": importacao, "tipo": tipo}
    if importacao.finalizada:
        pagina = Paginator(objetos_importados(importacao), OBJETOS_POR_PAGINA).get_page(
            request.GET.get("pagina")
        )
        nomes = tipo.descrever_objetos([o.objeto_id for o in pagina])
        contexto["objetos"] = pagina
        contexto["linhas_objetos"] = [
            {
                "objeto": o,
                "nome": nomes.get(o.objeto_id, f"Registro {o.objeto_id}"),
                "url": tipo.url_objeto(o.objeto_id),
            }
            for o in pagina
        ]
    return contexto


@login_required
@require_GET
def importacao_detalhe_view(request: HttpRequest, pk: int) -> HttpResponse:
    _tipos(request)
    importacao = importacao_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    return render(
        request, "importacoes/importacao_detalhe.html", _contexto_situacao(request, importacao)
    )


@login_required
@require_GET
def importacao_progresso_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment the job's page polls every second while the job runs."""
    _tipos(request)
    importacao = importacao_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    resposta = render(
        request,
        "importacoes/partials/importacao_situacao.html",
        _contexto_situacao(request, importacao),
    )
    resposta["Cache-Control"] = "no-store"
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@require_GET
def importacao_erros_view(request: HttpRequest, pk: int) -> FileResponse:
    _tipos(request)
    importacao = importacao_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    if not importacao.problemas.exists():
        raise Http404("Esta importação não tem linhas com problema.")
    arquivo = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        gerar_arquivo_erros(importacao, arquivo)
    except BaseException:
        arquivo.close()
        raise
    arquivo.seek(0)
    return FileResponse(
        arquivo,
        as_attachment=True,
        filename=f"importacao_{importacao.pk}_erros.xlsx",
        content_type=TIPO_XLSX,
    )


@login_required
@require_GET
def importacao_modelo_view(request: HttpRequest, tipo: str) -> HttpResponse:
    tipo_importacao = _tipo_permitido(request, tipo)
    resposta = HttpResponse(gerar_modelo(tipo_importacao), content_type=TIPO_XLSX)
    data = timezone.localdate().strftime("%Y%m%d")
    resposta["Content-Disposition"] = (
        f'attachment; filename="modelo_importacao_{tipo_importacao.codigo}_{data}.xlsx"'
    )
    return resposta
