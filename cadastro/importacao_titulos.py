"""Receivables import (títulos a receber from the ERP's spreadsheet): the "titulos" kind.

The generic machinery (job, batches, resume, hostile-file checks, error file, template) is in
`importacoes`; this module says what a title row is and how a batch of them is written.

A row: the client's CPF/CNPJ, the document number, parcela (optional), espécie (optional,
duplicata), emissão, vencimento, valor, valor pago (optional, 0) and data de pagamento
(required once something was paid). Titles belong to the importing user's company and are
upserted by (empresa, documento, parcela): a re-import updates, never duplicates. A row is
refused, with its reason, when the client is unknown (or outside what the importing user may
see), when the title already exists for ANOTHER client (a title never moves silently), or when
a value or a date cannot be read; the other rows are imported.

Writing is set-based per batch: a staging table and a few statements, never one query per
row. Two title imports running at once are serialized batch by batch (a transaction advisory
lock), so both cannot decide to create the same new title. TituloReceber's pghistory triggers
run per row with the job's context (who, which import).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.urls import reverse

from cadastro.constants import EspecieTitulo
from cadastro.models import Cliente
from crm.documentos import DocumentoInvalido, formatar_documento, limpar, validar_documento
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from importacoes.tipos import Chave, Coluna, ErroCampo, ResultadoLote, TipoImportacao
from importacoes.valores import Opcoes, ValorInvalido, data, dinheiro, normalizar, texto

if TYPE_CHECKING:
    from importacoes.models import Importacao

_VALOR_MAXIMO = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
# Second key of the transaction advisory lock that serializes title imports' batches.
_TRAVA_TITULOS = 0x1A0_0002
S_ID = "Identificação (obrigatória)"
S_VALORES = "Valores e datas"
S_PAGAMENTO = "Pagamento"

_ESPECIES = {normalizar(str(rotulo)): valor for valor, rotulo in EspecieTitulo.choices} | {
    normalizar(valor): valor for valor in EspecieTitulo.values
}
_ESPECIES.update({"dup": EspecieTitulo.DUPLICATA, "dp": EspecieTitulo.DUPLICATA,
                  "carne": EspecieTitulo.CREDIARIO, "np": EspecieTitulo.NOTA_PROMISSORIA,
                  "bol": EspecieTitulo.BOLETO, "ch": EspecieTitulo.CHEQUE})  # fmt: skip

COLUNAS: tuple[Coluna, ...] = (
    Coluna("cliente_documento", "CPF/CNPJ do cliente",
           "CPF ou CNPJ do cliente, com ou sem máscara (obrigatório).", S_ID, True,
           exemplo="12.345.678/0001-95", sinonimos=("CPF/CNPJ", "CNPJ", "CPF", "Cliente"),
           largura=20, formato="texto"),
    Coluna("documento", "Documento", "Número do título no ERP (obrigatório).", S_ID, True,
           exemplo="NF12345", sinonimos=("Número do documento", "Nº documento", "Título"),
           formato="texto"),
    Coluna("parcela", "Parcela", "Parcela do título (1, 2/3, A…). Vazio: parcela única.", S_ID,
           exemplo="1", sinonimos=("Parc.", "Nº parcela"), largura=10, formato="texto"),
    Coluna("especie", "Espécie", "Duplicata, boleto, cheque, cartão… Vazio: duplicata.",
           S_VALORES, lista=tuple(str(r) for r in EspecieTitulo.labels), exemplo="Duplicata",
           sinonimos=("Tipo", "Espécie do título")),
    Coluna("emissao", "Emissão", "Data de emissão, dd/mm/aaaa (obrigatória).", S_VALORES, True,
           exemplo="01/03/2026", sinonimos=("Data de emissão",), formato="data"),
    Coluna("vencimento", "Vencimento", "Data de vencimento, dd/mm/aaaa (obrigatória).",
           S_VALORES, True, exemplo="31/03/2026", sinonimos=("Data de vencimento",),
           formato="data"),
    Coluna("valor", "Valor", "Valor do título em R$ (ex.: 1.234,56), maior que zero.",
           S_VALORES, True, exemplo="1.234,56", sinonimos=("Valor do título",)),
    Coluna("valor_pago", "Valor pago", "Quanto já foi pago em R$. Vazio: nada pago.",
           S_PAGAMENTO, exemplo="0,00", sinonimos=("Pago",)),
    Coluna("pago_em", "Data de pagamento",
           "Data do (último) pagamento, dd/mm/aaaa. Obrigatória quando há valor pago.",
           S_PAGAMENTO, exemplo="", sinonimos=("Pago em", "Data do pagamento"),
           formato="data"),
)  # fmt: skip
TITULO = {c.chave: c.titulo for c in COLUNAS}

INSTRUCOES = (
    "Preencha uma linha por título (ou parcela), a partir da linha 2 da aba “Títulos”. Não mude "
    "os títulos das colunas; colunas desconhecidas são ignoradas e avisadas uma vez.",
    "Obrigatórios em toda linha: CPF/CNPJ do cliente, Documento, Emissão, Vencimento e Valor. O "
    "cliente precisa estar cadastrado no CRM.",
    "O título é identificado por Documento + Parcela na sua empresa: se já existir, é atualizado "
    "(valor pago, data de pagamento, vencimento…); se não, é criado. Importar a mesma planilha "
    "de novo não duplica nada.",
    "Valor pago vazio vale zero. Quando houver valor pago, informe a Data de pagamento: é ela "
    "que calcula o atraso médio do cliente.",
    "Depois de enviar, a importação fica pendente até ser processada; ao terminar, mostra quantos "
    "títulos foram criados e atualizados e oferece o arquivo com as linhas recusadas e o motivo.",
    "Para conferir: ficha do cliente › aba Financeiro.",
)
REGRA_DUPLICADAS = (
    "Mesmo documento e parcela repetidos na planilha: vale a primeira linha válida; as "
    "repetições são rejeitadas."
)
SEM_EMPRESA = "Seu usuário não está ligado a uma empresa: peça ao administrador."


@dataclass(slots=True)
class RegistroTitulo:
    linha: int
    cliente_documento: str
    documento: str
    parcela: str
    especie: str
    emissao: dt.date
    vencimento: dt.date
    valor: Decimal
    valor_pago: Decimal
    pago_em: dt.date | None

    def tupla(self) -> tuple[Any, ...]:
        # The client's document also goes masked, for the messages (as people type it).
        return (self.linha, self.cliente_documento, formatar_documento(self.cliente_documento),
                self.documento, self.parcela, self.especie, self.emissao, self.vencimento,
                self.valor, self.valor_pago, self.pago_em)  # fmt: skip


@dataclass
class ContextoTitulos:
    empresa_id: int | None = None
    importacao_id: int = 0
    ver_todos: bool = False
    contexto_historico: str | None = None
    metadados_historico: str = "{}"


def _documento_cliente(bruto: Any) -> str:
    valor = texto(bruto, maximo=20, rotulo="CPF/CNPJ")
    compacto = limpar(valor).upper()
    if compacto.isdigit() and len(compacto) < 11:
        compacto = compacto.zfill(11)  # a CPF the sheet turned into a number
    elif compacto.isdigit() and 11 < len(compacto) < 14:
        compacto = compacto.zfill(14)
    try:
        return validar_documento(compacto).numero
    except DocumentoInvalido as exc:
        raise ValorInvalido(exc.mensagem) from exc


def _valor(rotulo: str, *, positivo: bool) -> Any:
    def converter(bruto: Any) -> Decimal | None:
        numero = dinheiro(bruto, rotulo=rotulo)
        if numero is None:
            return None
        if numero < 0:
            raise ValorInvalido(f"{rotulo} negativo ({texto(bruto)}).")
        if positivo and numero == 0:
            raise ValorInvalido(f"{rotulo} precisa ser maior que zero.")
        if numero >= _VALOR_MAXIMO:
            raise ValorInvalido(f"{rotulo} fora do intervalo aceito (até 999.999.999.999,99).")
        return numero

    return converter


@lru_cache(maxsize=4096)
def _data_texto(bruto: str) -> dt.date | None:
    # An ERP extract repeats a few hundred dates over thousands of rows.
    return data(bruto)


def _data(bruto: Any) -> dt.date | None:
    return _data_texto(bruto) if isinstance(bruto, str) else data(bruto)


_especie = Opcoes(_ESPECIES, rotulo="Espécie", dica="Duplicata, Boleto, Cheque, Cartão, Pix…")

_CONVERSORES: dict[str, Any] = {
    "cliente_documento": _documento_cliente,
    "documento": lambda b: texto(b, maximo=30, rotulo="Documento").upper(),
    "parcela": lambda b: texto(b, maximo=10, rotulo="Parcela").upper(),
    "especie": _especie,
    "emissao": _data,
    "vencimento": _data,
    "valor": _valor("Valor", positivo=True),
    "valor_pago": _valor("Valor pago", positivo=False),
    "pago_em": _data,
}


class ImportacaoTitulos(TipoImportacao):
    codigo = "titulos"
    nome = "Títulos a receber"
    permissao = "cadastro.importar_titulos"
    nome_planilha = "Títulos"
    nome_registro = "título"
    colunas = COLUNAS
    instrucoes = INSTRUCOES
    regra_duplicadas = REGRA_DUPLICADAS

    def preparar(self, importacao: Importacao | None) -> ContextoTitulos:
        ctx = ContextoTitulos()
        if importacao is not None:
            autor = importacao.criado_por
            ctx.empresa_id = autor.empresa_id
            ctx.importacao_id = importacao.pk
            ctx.ver_todos = autor.is_superuser or autor.has_perm("cadastro.ver_todos_clientes")
            if importacao.contexto_historico:
                from pghistory.models import Context

                ctx.contexto_historico = str(importacao.contexto_historico)
                contexto = Context.objects.filter(pk=importacao.contexto_historico).first()
                ctx.metadados_historico = json.dumps(contexto.metadata if contexto else {})
        return ctx

    def validar(
        self, valores: dict[str, Any], ctx: ContextoTitulos, linha: int
    ) -> tuple[RegistroTitulo | None, list[ErroCampo]]:
        """One row → a RegistroTitulo, or every problem of the row (not only the first)."""
        erros: list[ErroCampo] = []
        v: dict[str, Any] = {}
        for chave, bruto in valores.items():
            conversor = _CONVERSORES.get(chave)
            if conversor is None:
                continue
            try:
                v[chave] = conversor(bruto)
            except ValorInvalido as exc:
                erros.append(ErroCampo(TITULO[chave], exc.mensagem))
        recusadas = {e.coluna for e in erros}

        def faltando(chave: str, mensagem: str) -> None:
            if v.get(chave) in (None, "") and TITULO[chave] not in recusadas:
                erros.append(ErroCampo(TITULO[chave], mensagem))

        faltando("cliente_documento", "Informe o CPF/CNPJ do cliente.")
        faltando("documento", "Informe o número do documento.")
        faltando("emissao", "Informe a data de emissão.")
        faltando("vencimento", "Informe a data de vencimento.")
        faltando("valor", "Informe o valor do título.")
        emissao, vencimento = v.get("emissao"), v.get("vencimento")
        valor, pago = v.get("valor"), v.get("valor_pago") or Decimal("0.00")
        pago_em = v.get("pago_em")
        if emissao and vencimento and vencimento < emissao:
            erros.append(ErroCampo(TITULO["vencimento"], "O vencimento é anterior à emissão."))
        if pago > 0 and pago_em is None and TITULO["pago_em"] not in recusadas:
            erros.append(ErroCampo(TITULO["pago_em"], "Informe a data de pagamento do valor pago."))
        if pago == 0 and pago_em is not None:
            erros.append(
                ErroCampo(TITULO["valor_pago"], "Há data de pagamento, mas nenhum valor pago.")
            )
        if pago_em and emissao and pago_em < emissao:
            erros.append(ErroCampo(TITULO["pago_em"], "O pagamento é anterior à emissão."))
        if ctx.empresa_id is None:
            erros.append(ErroCampo(TITULO["documento"], SEM_EMPRESA))
        if erros or emissao is None or vencimento is None or valor is None:
            return None, erros
        registro = RegistroTitulo(
            linha, v["cliente_documento"], v["documento"], v.get("parcela") or "",
            v.get("especie") or EspecieTitulo.DUPLICATA, emissao, vencimento, valor, pago,
            pago_em,
        )  # fmt: skip
        return registro, []

    def chaves(self, registro: RegistroTitulo) -> Sequence[Chave]:
        parcela = f", parcela {registro.parcela}" if registro.parcela else ""
        return (
            Chave(
                ("titulo", registro.documento, registro.parcela),
                f"documento {registro.documento}{parcela}",
                TITULO["documento"],
            ),
        )

    def preparar_conexao(self, importacao: Importacao) -> None:
        with connection.cursor() as cursor:
            cursor.execute(SQL_STAGING)

    def gravar(
        self, registros: list[RegistroTitulo], ctx: ContextoTitulos, importacao: Importacao
    ) -> ResultadoLote:
        return _Gravacao(registros, ctx, importacao).executar()

    def url_objeto(self, objeto_id: int) -> str | None:
        # The recorded object is the client whose title the row wrote (its Financeiro tab).
        return reverse("cadastro:cliente-aba", args=[objeto_id, "financeiro"])

    def descrever_objetos(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            pk: f"{nome} ({formatar_documento(documento)})"
            for pk, nome, documento in Cliente.objects.filter(pk__in=ids).values_list(
                "pk", "nome", "documento"
            )
        }


# ON COMMIT DELETE ROWS: every batch transaction starts with an empty staging table.
SQL_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS imp_titulo (
    linha integer PRIMARY KEY, cliente_documento varchar(14) NOT NULL, cliente_rotulo text,
    documento varchar(30) NOT NULL, parcela varchar(10) NOT NULL, especie varchar(12) NOT NULL,
    emissao date NOT NULL, vencimento date NOT NULL, valor numeric(14, 2) NOT NULL,
    valor_pago numeric(14, 2) NOT NULL, pago_em date, cliente_id bigint, existente_id bigint,
    erro text, coluna text, acao varchar(15)
) ON COMMIT DELETE ROWS;
"""

_COLUNAS_STAGING = (
    "linha, cliente_documento, cliente_rotulo, documento, parcela, especie, emissao, "
    "vencimento, valor, valor_pago, pago_em"
)


class _Gravacao:
    """One batch, in the caller's transaction: resolve, refuse, update, insert, record."""

    def __init__(
        self, registros: list[RegistroTitulo], ctx: ContextoTitulos, importacao: Importacao
    ) -> None:
        self.registros = registros
        self.ctx = ctx
        self.importacao = importacao
        self.resultado = ResultadoLote()
        self.p: dict[str, Any] = {"importacao": importacao.pk, "empresa": ctx.empresa_id}

    def executar(self) -> ResultadoLote:
        if not self.registros:
            return self.resultado
        with connection.cursor() as c:
            self.c = c
            c.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_TRAVA_TITULOS, 0])
            if self.ctx.contexto_historico:
                # The history triggers attach this context to the titles' events.
                c.execute(
                    "SELECT set_config('pghistory.context_id', %s, true), "
                    "set_config('pghistory.context_metadata', %s, true)",
                    [self.ctx.contexto_historico, self.ctx.metadados_historico],
                )
            c.execute("DELETE FROM imp_titulo")
            with c.copy(f"COPY imp_titulo ({_COLUNAS_STAGING}) FROM STDIN") as copia:
                for r in self.registros:
                    copia.write_row(r.tupla())
            # Autovacuum never analyzes temp tables: without this the planner guesses.
            c.execute("ANALYZE imp_titulo")
            self._resolver()
            self._recusar_invisiveis()
            self._decidir()
            self._coletar_recusas()
            self._gravar()
        return self.resultado

    def _resolver(self) -> None:
        """The client of every row by CPF/CNPJ (cliente.documento is unique), in one pass."""
        self.c.execute(
            """
            UPDATE imp_titulo s SET cliente_id = cl.id,
                erro = CASE WHEN cl.id IS NULL THEN
                    'Cliente com CPF/CNPJ ' || s.cliente_rotulo || ' não encontrado.' END,
                coluna = CASE WHEN cl.id IS NULL THEN %(col)s END
            FROM imp_titulo s2 LEFT JOIN cadastro_cliente cl ON cl.documento = s2.cliente_documento
            WHERE s2.linha = s.linha
            """,
            {"col": TITULO["cliente_documento"]},
        )

    def _recusar_invisiveis(self) -> None:
        """Only clients the importing user may see (the same rule as the screens)."""
        if self.ctx.ver_todos:
            return
        self.c.execute("SELECT DISTINCT cliente_id FROM imp_titulo WHERE cliente_id IS NOT NULL")
        ids = [r[0] for r in self.c.fetchall()]
        if not ids:
            return
        autor = self.importacao.criado_por
        visiveis = set(
            Cliente.objects.visiveis_para(autor).filter(pk__in=ids).values_list("pk", flat=True)
        )
        invisiveis = sorted(set(ids) - visiveis)
        if invisiveis:
            self.c.execute(
                "UPDATE imp_titulo SET erro = 'Cliente com CPF/CNPJ informado não encontrado.', "
                "coluna = %(col)s WHERE erro IS NULL AND cliente_id = ANY(%(ids)s::bigint[])",
                {"ids": invisiveis, "col": TITULO["cliente_documento"]},
            )

    def _decidir(self) -> None:
        """Lock the batch's existing titles (id order: no deadlock), then in one pass: refuse a
        title that exists for another client, and say what each row does (create, update or
        nothing)."""
        self.c.execute(
            """
            SELECT t.id FROM cadastro_tituloreceber t
            JOIN imp_titulo s ON s.documento = t.documento AND s.parcela = t.parcela
            WHERE t.empresa_id = %(empresa)s AND s.erro IS NULL
            ORDER BY t.id
            FOR UPDATE OF t;
            UPDATE imp_titulo s SET
                existente_id = t.id,
                erro = CASE WHEN t.id IS NOT NULL AND t.cliente_id <> s.cliente_id THEN
                    'O título ' || s.documento
                    || CASE WHEN s.parcela <> '' THEN ' parcela ' || s.parcela ELSE '' END
                    || ' já está cadastrado para outro cliente.' END,
                coluna = CASE WHEN t.id IS NOT NULL AND t.cliente_id <> s.cliente_id
                    THEN %(col)s END,
                acao = CASE
                    WHEN t.id IS NULL THEN 'criado'
                    WHEN t.cliente_id <> s.cliente_id THEN NULL
                    WHEN (t.especie, t.emissao, t.vencimento, t.valor, t.valor_pago)
                         = (s.especie, s.emissao, s.vencimento, s.valor, s.valor_pago)
                         AND t.pago_em IS NOT DISTINCT FROM s.pago_em THEN 'sem_alteracao'
                    ELSE 'atualizado' END
            FROM imp_titulo s2
            LEFT JOIN cadastro_tituloreceber t
                ON t.empresa_id = %(empresa)s AND t.documento = s2.documento
               AND t.parcela = s2.parcela
            WHERE s2.linha = s.linha AND s.erro IS NULL
            """,
            {**self.p, "col": TITULO["documento"]},
        )

    def _coletar_recusas(self) -> None:
        self.c.execute("SELECT linha, coluna, erro FROM imp_titulo WHERE erro IS NOT NULL")
        for linha, coluna, erro in self.c.fetchall():
            self.resultado.rejeitadas[linha] = [ErroCampo(coluna or TITULO["documento"], erro)]

    def _gravar(self) -> None:
        c = self.c
        c.execute(
            """
            UPDATE cadastro_tituloreceber t SET especie = s.especie, emissao = s.emissao,
                vencimento = s.vencimento, valor = s.valor, valor_pago = s.valor_pago,
                pago_em = s.pago_em, atualizado_em = now()
            FROM imp_titulo s
            WHERE s.acao = 'atualizado' AND t.id = s.existente_id
            """
        )
        c.execute(
            """
            INSERT INTO cadastro_tituloreceber (empresa_id, cliente_id, pedido_id, documento,
                parcela, especie, emissao, vencimento, valor, valor_pago, pago_em, criado_em,
                atualizado_em)
            SELECT %(empresa)s, cliente_id, NULL, documento, parcela, especie, emissao,
                vencimento, valor, valor_pago, pago_em, now(), now()
            FROM imp_titulo WHERE acao = 'criado' ORDER BY documento, parcela
            """,
            self.p,
        )
        c.execute(
            """
            WITH objeto AS (
                INSERT INTO importacoes_objetoimportado (importacao_id, objeto_id, linha, acao)
                SELECT %(importacao)s, cliente_id, linha, acao FROM imp_titulo
                WHERE acao IS NOT NULL
                RETURNING acao
            )
            SELECT acao, count(*) FROM objeto GROUP BY acao
            """,
            self.p,
        )
        contagem = dict(c.fetchall())
        self.resultado.criadas = contagem.get("criado", 0)
        self.resultado.atualizadas = contagem.get("atualizado", 0) + contagem.get(
            "sem_alteracao", 0
        )
        self.resultado.sem_alteracao = contagem.get("sem_alteracao", 0)
