"""The one base list view: login + per-screen permission + django-filter + django-tables2,
keyset pagination (crm/paginacao.py) and the typed xlsx export (crm/xlsx.py).

A list declares `table_class`, `filterset_class`, `permission_required`, `get_queryset()`
(ALREADY scoped to the user: `Model.objects.visiveis_para(user)`), the two templates, and for
the export `permissao_exportar`, `colunas_exportacao()` and `linha_exportacao(obj)`. The same
view class serves the export URL with `as_view(exportar=True)`, so the file always has exactly
the rows of the screen: same visibility, same filters, same ordering.

Query budget of a page (tests hold it ≤ 10 whatever the page size): session, user, the user's
permissions (2), the filter choices (1), the per-page parameter (1 when not in the URL), the
page (1, or 2 for a nullable sort column) and the capped count (1). Display columns taken from
child tables must be annotations (`anotar()`), never per-row lookups.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contas.parametros import parametro
from crm.paginacao import (
    LIMITE_CONTAGEM,
    Chave,
    PaginadorKeyset,
    contar_limitado,
    texto_total,
)
from crm.tables import BaseTable, DadosPagina
from crm.xlsx import Coluna, exportar_xlsx_para

logger = logging.getLogger(__name__)

TAMANHOS_PAGINA = (10, 25, 50, 100)
TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _milhar(n: int) -> str:
    return number_format(n, 0, use_l10n=True, force_grouping=True)


class ListaBaseView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    table_class: type[BaseTable]
    template_parcial: str
    permissao_exportar: str | None = None
    url_exportar: str | None = None  # URL name of the export route
    nome_exportacao = "lista"
    rotulo_singular = "registro"
    rotulo_plural = "registros"
    ordem_padrao = "pk"
    limite_contagem = LIMITE_CONTAGEM
    exportar = False  # as_view(exportar=True) on the export route
    table_pagination = False  # pagination is keyset, done here, not django-tables2's OFFSET
    strict = True

    # --- hooks --------------------------------------------------------------------------------

    def anotar(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        """Display-only joins/annotations for the page and the export (not for the count)."""
        return qs

    def anotar_exportacao(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        """Annotations of the export (may carry more columns than the screen)."""
        return self.anotar(qs)

    def colunas_exportacao(self) -> Sequence[Coluna]:
        raise ImproperlyConfigured(f"{type(self).__name__} não define colunas_exportacao().")

    def linha_exportacao(self, obj: Any) -> Sequence[Any]:
        raise ImproperlyConfigured(f"{type(self).__name__} não define linha_exportacao().")

    # --- permissions ----------------------------------------------------------------------------

    def get_permission_required(self) -> Sequence[str]:
        perms = list(super().get_permission_required())
        if self.exportar:
            if not self.permissao_exportar:
                raise ImproperlyConfigured("Exportação sem permissao_exportar.")
            perms.append(self.permissao_exportar)
        return perms

    # --- request flow ---------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.exportar:
            return self.exportar_xlsx()
        resposta = super().get(request, *args, **kwargs)
        patch_vary_headers(resposta, ("HX-Request",))
        return resposta

    def get_template_names(self) -> list[str]:
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return [self.template_parcial]
        return [self.template_name] if self.template_name else super().get_template_names()

    def ordenacao(self) -> tuple[str, Chave]:
        """(alias shown in the headers, keyset key) from `?ordenar=`, falling back to default."""
        vazia = self.get_table_class()(DadosPagina([], self.model_lista()))
        for alias in (self.request.GET.get("ordenar", ""), self.ordem_padrao):
            campo = vazia.campo_ordenacao(alias) if alias else None
            if campo:
                return alias, Chave.de(self.model_lista(), campo)
        return "", Chave.de(self.model_lista(), "pk")

    def model_lista(self) -> Any:
        return self.filterset._meta.model if hasattr(self, "filterset") else self.model

    def por_pagina(self) -> int:
        pedido = self.request.GET.get("por_pagina", "")
        if pedido.isdigit() and int(pedido) in TAMANHOS_PAGINA:
            return int(pedido)
        valor = parametro("itens_por_pagina", usuario=self.request.user)  # type: ignore[arg-type]
        try:
            return max(1, min(int(valor), max(TAMANHOS_PAGINA)))
        except (TypeError, ValueError):
            return 25

    def get_table(self, **kwargs: Any) -> BaseTable:
        alias, chave = self.ordenacao()
        filtrado = self.object_list
        paginador = PaginadorKeyset(
            self.anotar(filtrado),
            chave=chave,
            por_pagina=self.por_pagina(),
            contar=filtrado,
            limite_contagem=self.limite_contagem,
        )
        self.pagina = paginador.pagina(self.request.GET.get("cursor"))
        tabela = self.get_table_class()(
            DadosPagina(self.pagina.objetos, self.model_lista()),
            order_by=alias or None,
            # SingleTableMixin already passes get_table_kwargs() in; merge, don't repeat them
            **{**self.get_table_kwargs(), **kwargs},
        )
        tabela.dica_vazio = self.dica_vazio()
        return tabela

    def dica_vazio(self) -> str:
        """Second line of the empty state: what the user can do about it."""
        if self.filtros_ativos():
            return "Nenhum registro corresponde aos filtros. Altere ou limpe os filtros."
        return ""

    def filtros_ativos(self) -> bool:
        return any(v for k, v in self.request.GET.items() if k in self.filterset.filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        pagina = self.pagina
        pode_exportar = bool(
            self.permissao_exportar and self.request.user.has_perm(self.permissao_exportar)
        )
        url_exportar = reverse(self.url_exportar) if pode_exportar and self.url_exportar else None
        contexto.update(
            pagina=pagina,
            total_texto=texto_total(
                pagina.total, pagina.total_limitado, self.rotulo_singular, self.rotulo_plural
            ),
            tamanhos_pagina=TAMANHOS_PAGINA,
            por_pagina=pagina.por_pagina,
            pode_exportar=pode_exportar,
            url_exportar=url_exportar,
            filtros_ativos=self.filtros_ativos(),
        )
        return contexto

    # --- export ---------------------------------------------------------------------------------

    def exportar_xlsx(self) -> HttpResponseBase:
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            messages.error(self.request, "Corrija os filtros antes de exportar.")
            destino = self.request.path.rsplit("exportar/", 1)[0]
            return HttpResponseRedirect(f"{destino}?{self.request.GET.urlencode()}")
        filtrado = self.filterset.qs
        _, chave = self.ordenacao()
        usuario = self.request.user
        limite = int(parametro("exportacao_max_linhas", usuario=usuario))  # type: ignore[arg-type]
        _, excedeu = contar_limitado(filtrado, limite)
        qs = self.anotar_exportacao(filtrado).order_by(*chave.ordenacao())[:limite]
        linhas = (self.linha_exportacao(obj) for obj in qs.iterator(chunk_size=2000))
        # A temporary file, not memory: openpyxl's write-only mode streams rows to disk and the
        # response streams the file, so a 200.000-row export does not sit in RAM.
        arquivo = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
        try:
            total = exportar_xlsx_para(
                arquivo, self.colunas_exportacao(), linhas, titulo_planilha=self.nome_exportacao
            )
        except BaseException:
            arquivo.close()
            raise
        arquivo.seek(0)
        logger.info(
            "exportacao %s: %s linhas por %s (limitada=%s)",
            self.nome_exportacao, total, usuario.pk, excedeu,
        )  # fmt: skip
        if excedeu:
            messages.warning(
                self.request,
                f"A exportação foi limitada às primeiras {_milhar(limite)} linhas "
                "(parâmetro “Máximo de linhas numa exportação Excel”). Refine os filtros "
                "para exportar o restante.",
            )
        carimbo = timezone.localtime().strftime("%Y%m%d_%H%M")
        sufixo = f"_primeiras_{limite}" if excedeu else ""
        resposta = FileResponse(
            arquivo,
            as_attachment=True,
            filename=f"{self.nome_exportacao}_{carimbo}{sufixo}.xlsx",
            content_type=TIPO_XLSX,
        )
        resposta["X-Exportacao-Linhas"] = str(total)
        resposta["X-Exportacao-Limitada"] = "1" if excedeu else "0"
        return resposta
