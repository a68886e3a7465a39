"""Price-list import (seed 000 "Importação de Preços de Produtos"): the "precos" kind.

The generic machinery (job, batches, resume, hostile-file checks, error file, template) is in
`importacoes`; this module says what a price row is and how a batch of them is written.

A row: product code + client (code of the client in its origin, or CPF/CNPJ) + origin are
mandatory; price mandatory; start of validity (default: the day of the import) and end
optional. The client is found among the clients the importing user may see.

Writing follows `produtos.services.preco_definir`, set-based, per batch (a staging table and a
few statements, never one query per row):
- a price of the same product + client that started earlier and is still valid on the new start
  ends the day before;
- a price that starts on the same day is replaced (value, end, origin);
- a price starting later that the new validity would overlap rejects the row (a scheduled price
  is never dropped silently).
One price per product + client per file: a repeated pair is rejected (the first row wins).
History: PrecoLista's pghistory triggers are statement-level, so they run once per statement
with the job's pghistory context (who, which import).
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
from django.utils import timezone

from cadastro.models import Cliente, Origem
from crm.documentos import DocumentoInvalido, formatar_documento, limpar, validar_documento
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from importacoes.tipos import Chave, Coluna, ErroCampo, ResultadoLote, TipoImportacao
from importacoes.valores import ValorInvalido, data, dinheiro, normalizar, texto
from produtos.constants import TipoEventoProduto
from produtos.models import Produto

if TYPE_CHECKING:
    from importacoes.models import Importacao

_PRECO_MAXIMO = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
S_ID = "Identificação (obrigatória)"
S_PRECO = "Preço"

COLUNAS: tuple[Coluna, ...] = (
    Coluna("produto", "Código do produto", "Código do produto no CRM (obrigatório).", S_ID, True,
           exemplo="P0000001", sinonimos=("Produto", "Código produto", "Cód. produto"),
           formato="texto"),
    Coluna("cliente_codigo", "Código do cliente",
           "Código do cliente na origem (código externo). Informe este ou o CPF/CNPJ.", S_ID,
           exemplo="10045", sinonimos=("Cliente", "Código externo", "Cód. cliente"),
           formato="texto"),
    Coluna("cliente_documento", "CPF/CNPJ do cliente",
           "CPF ou CNPJ do cliente, com ou sem máscara. Informe este ou o código.", S_ID,
           exemplo="12.345.678/0001-95", sinonimos=("CPF/CNPJ", "CNPJ", "CPF", "Documento"),
           largura=20, formato="texto"),
    Coluna("origem", "Origem", "Código da origem do cadastro (ERP, e-commerce…). Obrigatória.",
           S_ID, True, lista="origens", exemplo="ERP"),
    Coluna("preco", "Preço", "Preço de lista em R$ (ex.: 1.234,56). Obrigatório.", S_PRECO, True,
           exemplo="19,90", sinonimos=("Preço de lista", "Valor")),
    Coluna("inicio", "Início da vigência", "dd/mm/aaaa. Vazio: a data da importação.", S_PRECO,
           exemplo="01/03/2026", sinonimos=("Início", "Vigência inicial"), formato="data"),
    Coluna("fim", "Fim da vigência", "dd/mm/aaaa. Vazio: sem data para terminar.", S_PRECO,
           exemplo="", sinonimos=("Fim", "Vigência final"), formato="data"),
)  # fmt: skip
TITULO = {c.chave: c.titulo for c in COLUNAS}

INSTRUCOES = (
    "Preencha uma linha por preço, a partir da linha 2 da aba “Preços”. Não mude os títulos das "
    "colunas; colunas desconhecidas são ignoradas e avisadas uma vez.",
    "Obrigatórios em toda linha: Código do produto, Origem, Preço e o cliente — pelo Código do "
    "cliente (código externo na origem) ou pelo CPF/CNPJ. Se vierem os dois, precisam ser do "
    "mesmo cliente.",
    "Início da vigência vazio vale a data da importação; Fim vazio deixa o preço sem data para "
    "terminar.",
    "Um preço novo encerra, na véspera do seu início, o preço anterior do mesmo produto para o "
    "mesmo cliente. Preço com o mesmo início é substituído. Se já houver um preço programado "
    "para começar depois e as vigências se sobrepuserem, a linha é rejeitada.",
    "Depois de enviar, a importação fica pendente até ser processada; ao terminar, mostra quantos "
    "preços foram criados e atualizados e oferece o arquivo com as linhas recusadas e o motivo.",
    "Para conferir: tela de Produtos › Manutenção (⚙) do produto › aba Preço de lista ($).",
)
REGRA_DUPLICADAS = (
    "Mesmo produto e cliente repetidos na planilha: vale a primeira linha válida; as repetições "
    "são rejeitadas."
)


@dataclass(slots=True)
class RegistroPreco:
    linha: int
    produto: str
    cliente_codigo: str
    cliente_documento: str
    origem_id: int
    preco: Decimal
    inicio: dt.date
    fim: dt.date | None

    def tupla(self) -> tuple[Any, ...]:
        return (self.linha, self.produto, self.cliente_codigo or None,
                self.cliente_documento or None, self.origem_id, self.preco, self.inicio,
                self.fim)  # fmt: skip


@dataclass
class ContextoPrecos:
    origens: dict[str, int]
    hoje: dt.date
    importacao_id: int = 0
    ator_id: int | None = None
    contexto_historico: str | None = None
    metadados_historico: str = "{}"
    ver_todos: bool = False


def _documento(bruto: Any) -> str:
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


class ImportacaoPrecos(TipoImportacao):
    codigo = "precos"
    nome = "Preços de produtos"
    permissao = "produtos.importar_precos"
    nome_planilha = "Preços"
    colunas = COLUNAS
    instrucoes = INSTRUCOES
    regra_duplicadas = REGRA_DUPLICADAS

    def preparar(self, importacao: Importacao | None) -> ContextoPrecos:
        origens: dict[str, int] = {}
        for pk, codigo, descricao in Origem.objects.filter(ativo=True).values_list(
            "pk", "codigo", "descricao"
        ):
            origens.setdefault(normalizar(descricao), pk)
            origens[normalizar(codigo)] = pk
            origens[codigo] = pk
        ctx = ContextoPrecos(origens=origens, hoje=timezone.localdate())
        if importacao is not None:
            ctx.importacao_id = importacao.pk
            ctx.ator_id = importacao.criado_por_id
            autor = importacao.criado_por
            ctx.ver_todos = autor.is_superuser or autor.has_perm("cadastro.ver_todos_clientes")
            if importacao.contexto_historico:
                from pghistory.models import Context

                ctx.contexto_historico = str(importacao.contexto_historico)
                contexto = Context.objects.filter(pk=importacao.contexto_historico).first()
                ctx.metadados_historico = json.dumps(contexto.metadata if contexto else {})
        return ctx

    def listas(self) -> dict[str, list[str]]:
        return {"origens": list(Origem.objects.filter(ativo=True).values_list("codigo", flat=True))}

    def validar(
        self, valores: dict[str, Any], ctx: ContextoPrecos, linha: int
    ) -> tuple[RegistroPreco | None, list[ErroCampo]]:
        """One row → a RegistroPreco, or every problem of the row (not only the first).

        Hot (once per row of files with 50.000 rows): only the cells present are converted,
        and the common case (no error) allocates nothing but the record.
        """
        erros: list[ErroCampo] | None = None
        v: dict[str, Any] = {}
        for chave, bruto in valores.items():
            conversor = _CONVERSORES.get(chave)
            if conversor is None:
                continue
            try:
                v[chave] = conversor(bruto, ctx)
            except ValorInvalido as exc:
                erros = erros or []
                erros.append(ErroCampo(TITULO[chave], exc.mensagem))
        produto = v.get("produto")
        origem = v.get("origem")
        preco = v.get("preco")
        codigo = v.get("cliente_codigo")
        documento = v.get("cliente_documento")
        inicio = v.get("inicio") or ctx.hoje
        fim = v.get("fim")
        if (
            erros is None
            and produto
            and origem is not None
            and preco is not None
            and (codigo or documento)
            and (fim is None or fim >= inicio)
        ):
            registro = RegistroPreco(
                linha, produto, codigo or "", documento or "", origem, preco, inicio, fim
            )
            return registro, []
        erros = erros or []
        recusadas = {e.coluna for e in erros}
        for chave, presente, mensagem in (
            ("produto", produto, "Informe o código do produto."),
            ("origem", origem is not None, "Informe a origem."),
            ("preco", preco is not None, "Informe o preço."),
        ):
            if not presente and TITULO[chave] not in recusadas:
                erros.append(ErroCampo(TITULO[chave], mensagem))
        if (
            not codigo
            and not documento
            and not recusadas & {TITULO["cliente_codigo"], TITULO["cliente_documento"]}
        ):
            erros.append(
                ErroCampo(TITULO["cliente_codigo"], "Informe o código ou o CPF/CNPJ do cliente.")
            )
        if fim is not None and fim < inicio:
            erros.append(ErroCampo(TITULO["fim"], "O fim da vigência é anterior ao início."))
        return None, erros

    def chaves(self, registro: RegistroPreco) -> Sequence[Chave]:
        if registro.cliente_documento:
            cliente: tuple[Any, ...] = ("doc", registro.cliente_documento)
            descricao = f"CPF/CNPJ {formatar_documento(registro.cliente_documento)}"
        else:
            cliente = ("cod", registro.origem_id, registro.cliente_codigo)
            descricao = f"cliente {registro.cliente_codigo}"
        return (
            Chave(
                ("preco", registro.produto, *cliente),
                f"produto {registro.produto} e {descricao}",
                TITULO["produto"],
            ),
        )

    def preparar_conexao(self, importacao: Importacao) -> None:
        with connection.cursor() as cursor:
            cursor.execute(SQL_STAGING)

    def gravar(
        self, registros: list[RegistroPreco], ctx: ContextoPrecos, importacao: Importacao
    ) -> ResultadoLote:
        return _Gravacao(registros, ctx, importacao).executar()

    def url_objeto(self, objeto_id: int) -> str | None:
        return reverse("produtos:produto-aba", args=[objeto_id, "precos"])

    def descrever_objetos(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            pk: f"{codigo} – {descricao}"
            for pk, codigo, descricao in Produto.objects.filter(pk__in=ids).values_list(
                "pk", "codigo", "descricao"
            )
        }


def _preco(bruto: Any, ctx: ContextoPrecos) -> Decimal | None:
    valor = dinheiro(bruto, rotulo="Preço")
    if valor is not None and (valor < 0 or valor >= _PRECO_MAXIMO):
        raise ValorInvalido("Preço fora do intervalo aceito (0 a 999.999.999.999,99).")
    return valor


def _origem(bruto: Any, ctx: ContextoPrecos) -> int:
    encontrada = ctx.origens.get(bruto) if isinstance(bruto, str) else None
    if encontrada is not None:  # the exact code as typed: the common case, no normalizing
        return encontrada
    chave = normalizar(texto(bruto, maximo=100))
    try:
        return ctx.origens[chave]
    except KeyError:
        raise ValorInvalido(
            f"Origem “{texto(bruto)}” não cadastrada (veja a lista no modelo)."
        ) from None


@lru_cache(maxsize=4096)
def _data_texto(bruto: str) -> dt.date | None:
    # A price list repeats a handful of dates over thousands of rows.
    return data(bruto)


def _data(bruto: Any, ctx: ContextoPrecos) -> dt.date | None:
    return _data_texto(bruto) if isinstance(bruto, str) else data(bruto)


_CONVERSORES: dict[str, Any] = {
    "produto": lambda b, ctx: texto(b, maximo=30, rotulo="Código do produto").upper(),
    "cliente_codigo": lambda b, ctx: texto(b, maximo=40, rotulo="Código do cliente"),
    "cliente_documento": lambda b, ctx: _documento(b),
    "origem": _origem,
    "preco": _preco,
    "inicio": _data,
    "fim": _data,
}

# ON COMMIT DELETE ROWS: every batch transaction starts with an empty staging table.
SQL_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS imp_preco (
    linha integer PRIMARY KEY, produto varchar(30) NOT NULL, cliente_codigo varchar(40),
    cliente_documento varchar(14), origem_id bigint NOT NULL, preco numeric(14, 2) NOT NULL,
    inicio date NOT NULL, fim date, produto_id bigint, cliente_id bigint, cliente_doc_id bigint,
    erro text, coluna text, existente_id bigint, acao varchar(15)
) ON COMMIT DELETE ROWS;
"""

_COLUNAS_STAGING = (
    "linha, produto, cliente_codigo, cliente_documento, origem_id, preco, inicio, fim"
)


class _Gravacao:
    """One batch, in the caller's transaction: resolve, refuse, close, replace, insert, record."""

    def __init__(
        self, registros: list[RegistroPreco], ctx: ContextoPrecos, importacao: Importacao
    ) -> None:
        self.registros = registros
        self.ctx = ctx
        self.importacao = importacao
        self.resultado = ResultadoLote()
        self.p: dict[str, Any] = {
            "importacao": importacao.pk,
            "ator": ctx.ator_id,
            "tipo_evento": TipoEventoProduto.PRECOS_IMPORTADOS.value,
        }

    def executar(self) -> ResultadoLote:
        if not self.registros:
            return self.resultado
        with connection.cursor() as c:
            self.c = c
            if self.ctx.contexto_historico:
                # The statement-level history triggers attach this context to their events.
                c.execute(
                    "SELECT set_config('pghistory.context_id', %s, true), "
                    "set_config('pghistory.context_metadata', %s, true), "
                    "set_config('pgtrigger.ignore', '{}', true)",
                    [self.ctx.contexto_historico, self.ctx.metadados_historico],
                )
            # Empty already after each commit (ON COMMIT DELETE ROWS); emptied here as well for a
            # batch retried inside the same transaction (a savepoint rollback keeps no rows, but a
            # caller running two jobs in one transaction would).
            c.execute("DELETE FROM imp_preco")
            with c.copy(f"COPY imp_preco ({_COLUNAS_STAGING}) FROM STDIN") as copia:
                for r in self.registros:
                    copia.write_row(r.tupla())
            # Autovacuum never analyzes temp tables: without this the planner guesses.
            c.execute("ANALYZE imp_preco")
            self._resolver()
            self._recusar_invisiveis()
            self._recusar_repetidos()
            self._recusar_conflitos()
            self._coletar_recusas()
            self._gravar()
        return self.resultado

    def _resolver(self) -> None:
        """Product and client ids of every row, and the row's error when either is missing —
        one pass over the staging table (the indexes: produto.codigo unique, cliente.documento
        unique, cliente (origem, codigo_externo) unique where the code is not blank)."""
        self.c.execute(
            """
            UPDATE imp_preco s SET
                produto_id = r.produto_id,
                cliente_id = COALESCE(r.por_codigo, r.por_documento),
                cliente_doc_id = r.por_documento,
                erro = CASE
                    WHEN r.produto_id IS NULL THEN 'Produto “' || s.produto || '” não encontrado.'
                    WHEN r.por_codigo IS NOT NULL AND r.por_documento IS NOT NULL
                         AND r.por_codigo <> r.por_documento
                        THEN 'O código e o CPF/CNPJ informados são de clientes diferentes.'
                    WHEN COALESCE(r.por_codigo, r.por_documento) IS NULL
                        THEN 'Cliente não encontrado nesta origem.'
                    END,
                coluna = CASE
                    WHEN r.produto_id IS NULL THEN %(col_produto)s
                    WHEN s.cliente_documento IS NULL
                         OR (r.por_codigo IS NULL AND s.cliente_codigo IS NOT NULL)
                        THEN %(col_codigo)s
                    ELSE %(col_documento)s END
            FROM (
                SELECT s2.linha, p.id AS produto_id, cc.id AS por_codigo, cd.id AS por_documento
                FROM imp_preco s2
                LEFT JOIN produtos_produto p ON p.codigo = s2.produto
                LEFT JOIN cadastro_cliente cc
                    ON s2.cliente_codigo IS NOT NULL AND cc.codigo_externo <> ''
                   AND cc.origem_id = s2.origem_id AND cc.codigo_externo = s2.cliente_codigo
                LEFT JOIN cadastro_cliente cd ON cd.documento = s2.cliente_documento
            ) r
            WHERE r.linha = s.linha
            """,
            {
                "col_produto": TITULO["produto"],
                "col_codigo": TITULO["cliente_codigo"],
                "col_documento": TITULO["cliente_documento"],
            },
        )

    def _recusar_invisiveis(self) -> None:
        """A supervisor imports prices only for clients they may see (same rule as the screens)."""
        if self.ctx.ver_todos:
            return
        self.c.execute("SELECT DISTINCT cliente_id FROM imp_preco WHERE cliente_id IS NOT NULL")
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
                "UPDATE imp_preco SET erro = 'Cliente não encontrado nesta origem.', "
                "coluna = COALESCE(%(col)s, coluna) "
                "WHERE erro IS NULL AND cliente_id = ANY(%(ids)s::bigint[])",
                {"ids": invisiveis, "col": TITULO["cliente_codigo"]},
            )

    def _recusar_repetidos(self) -> None:
        # The same client reached by code in one row and by CPF/CNPJ in another: the file-level
        # duplicate rule cannot see it before resolution, so it is enforced here.
        self.c.execute(
            """
            UPDATE imp_preco s SET erro = 'Mesmo produto e cliente da linha ' || d.primeira
                || ', que vale (vale a primeira ocorrência).', coluna = %(col)s
            FROM (
                SELECT linha, min(linha) OVER (PARTITION BY produto_id, cliente_id) AS primeira
                FROM imp_preco WHERE erro IS NULL
            ) d
            WHERE d.linha = s.linha AND d.primeira <> s.linha
            """,
            {"col": TITULO["produto"]},
        )

    def _recusar_conflitos(self) -> None:
        """Lock the key's current prices (product order: no deadlock between two imports), then
        in one pass over them: refuse rows that would overlap a price scheduled to start later,
        and say what each remaining row will do (create, replace the same-day price, or nothing).
        """
        self.c.execute(
            """
            SELECT pl.id FROM produtos_precolista pl
            JOIN imp_preco s ON s.produto_id = pl.produto_id AND s.cliente_id = pl.cliente_id
            WHERE s.erro IS NULL
            ORDER BY pl.produto_id, pl.cliente_id, pl.id
            FOR UPDATE OF pl;
            UPDATE imp_preco s SET
                erro = CASE WHEN x.conflito IS NOT NULL THEN
                    'Já existe um preço programado a partir de '
                    || to_char(x.conflito, 'DD/MM/YYYY') || ' que se sobrepõe a esta vigência.'
                    END,
                coluna = CASE WHEN x.conflito IS NOT NULL THEN %(col)s END,
                existente_id = x.mesmo_dia,
                acao = CASE WHEN x.conflito IS NOT NULL THEN NULL
                            WHEN x.mesmo_dia IS NULL THEN 'criado'
                            WHEN x.igual THEN 'sem_alteracao'
                            ELSE 'atualizado' END
            FROM (
                SELECT s2.linha,
                    min(pl.inicio) FILTER (
                        WHERE pl.inicio > s2.inicio AND (s2.fim IS NULL OR pl.inicio <= s2.fim)
                    ) AS conflito,
                    max(pl.id) FILTER (WHERE pl.inicio = s2.inicio) AS mesmo_dia,
                    coalesce(bool_or(
                        pl.inicio = s2.inicio AND pl.preco = s2.preco
                        AND pl.fim IS NOT DISTINCT FROM s2.fim
                        AND pl.origem_id IS NOT DISTINCT FROM s2.origem_id
                    ), false) AS igual
                FROM imp_preco s2
                LEFT JOIN produtos_precolista pl
                    ON pl.cliente_id = s2.cliente_id AND pl.produto_id = s2.produto_id
                WHERE s2.erro IS NULL
                GROUP BY s2.linha
            ) x
            WHERE x.linha = s.linha
            """,
            {"col": TITULO["inicio"]},
        )

    def _coletar_recusas(self) -> None:
        self.c.execute("SELECT linha, coluna, erro FROM imp_preco WHERE erro IS NOT NULL")
        for linha, coluna, erro in self.c.fetchall():
            self.resultado.rejeitadas[linha] = [ErroCampo(coluna or TITULO["produto"], erro)]

    def _gravar(self) -> None:
        c = self.c
        # 1. (`acao` and `existente_id` were set with the conflicts, in one pass.)
        # 2. Earlier prices still valid on the new start end the day before (before inserting,
        # so the exclusion constraint never sees an overlap).
        c.execute(
            """
            UPDATE produtos_precolista pl SET fim = s.inicio - 1, atualizado_em = now()
            FROM imp_preco s
            WHERE s.erro IS NULL AND pl.produto_id = s.produto_id
              AND pl.cliente_id = s.cliente_id AND pl.inicio < s.inicio
              AND (pl.fim IS NULL OR pl.fim >= s.inicio)
            """
        )
        c.execute(
            """
            UPDATE produtos_precolista pl SET preco = s.preco, fim = s.fim,
                origem_id = s.origem_id, atualizado_em = now()
            FROM imp_preco s
            WHERE s.acao = 'atualizado' AND pl.id = s.existente_id
            """
        )
        c.execute(
            """
            INSERT INTO produtos_precolista (produto_id, tabela_id, cliente_id, preco, inicio,
                fim, origem_id, criado_em, atualizado_em)
            SELECT produto_id, NULL, cliente_id, preco, inicio, fim, origem_id, now(), now()
            FROM imp_preco WHERE acao = 'criado' ORDER BY produto_id, cliente_id
            """
        )
        # 3. What each row did (links on the job's page) and the products' events.
        c.execute(
            """
            WITH objeto AS (
                INSERT INTO importacoes_objetoimportado (importacao_id, objeto_id, linha, acao)
                SELECT %(importacao)s, produto_id, linha, acao FROM imp_preco
                WHERE acao IS NOT NULL
                RETURNING objeto_id, linha, acao
            ), evento AS (
                -- One event per product and batch ("n preços importados, linhas a–b"), not
                -- one per row: the product's timeline stays readable after a 50.000-row file.
                INSERT INTO produtos_eventoproduto (produto_id, tipo, ator_id, quando, dados)
                SELECT o.objeto_id, %(tipo_evento)s, %(ator)s, now(),
                    jsonb_build_object('importacao', %(importacao)s,
                        'criados', count(*) FILTER (WHERE o.acao = 'criado'),
                        'atualizados', count(*) FILTER (WHERE o.acao = 'atualizado'),
                        'linhas', jsonb_build_array(min(o.linha), max(o.linha)))
                FROM objeto o
                WHERE o.acao <> 'sem_alteracao'
                GROUP BY o.objeto_id
                ORDER BY o.objeto_id
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
