"""Importação de regras de matriz pela máquina de importações (`importacoes`): o tipo "regras".

A máquina genérica (job, lotes, retomada, triagem de arquivo hostil, arquivo de erros, modelo)
está em `importacoes`; aqui só se diz o que é uma linha de regra e como um lote é gravado.

- Colunas: as mesmas da exportação da lista (`matrizes/planilha.py`), de modo que uma lista
  exportada, ajustada no Excel, volta pela importação (as colunas ID e Versão são ignoradas).
- Validação por linha (sem banco, na thread de leitura): tipos, matriz, cadastros pequenos
  (empresa, linha, tipo de cliente, unidade, representante) e as regras de cada matriz
  (`Regra.clean`); vigência no passado é recusada (o passado não muda).
- Gravação: produtos e clientes resolvidos numa consulta por lote (clientes só entre os que o
  autor da importação vê); cada regra passa pelo mesmo serviço da tela (`regra_criar`), com
  trava da matriz e conferência de regra idêntica vigente no mesmo período — inclusive entre
  linhas da mesma planilha. Isso é uma dezena de consultas por regra, não "set-based" como as
  importações de clientes e preços: matrizes têm centenas de linhas, e a regra de conflito é a
  do serviço, num só lugar.
- Importar sempre cria regras; alterar uma existente é nova versão, pela tela.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from importacoes.tipos import Chave, Coluna, ErroCampo, ResultadoLote, TipoImportacao
from importacoes.valores import normalizar
from matrizes import planilha
from matrizes.constants import DIMENSOES, ROTULO_CURTO, TipoEventoRegra, TipoMatriz
from matrizes.models import Regra

if TYPE_CHECKING:
    from importacoes.models import Importacao

S_MATRIZ = "Matriz e vigência"
S_DIMENSOES = "Quando vale (vazio = qualquer)"
S_RESULTADO = "Resultado"
_SECAO = {
    "matriz": S_MATRIZ,
    "vigencia_inicio": S_MATRIZ,
    "vigencia_fim": S_MATRIZ,
    "observacao": S_MATRIZ,
}
_NOTAS = {
    "": "Ignorada na importação (vem da exportação).",
    "matriz": "Código da matriz (ICMS, IPI, ICMS_ST, PIS_COFINS, ALCADA…). Obrigatória.",
    "vigencia_inicio": "dd/mm/aaaa, hoje ou depois. Vazio: a data da importação.",
    "vigencia_fim": "dd/mm/aaaa, inclusive. Vazio: sem fim.",
    "empresa": "CNPJ da empresa.",
    "produto": "Código do produto no CRM.",
    "cliente": "CPF/CNPJ do cliente.",
    "representante": "Usuário (login) do representante.",
    "contribuinte": "Sim / Não; vazio = qualquer.",
    "consumidor_final": "Sim / Não; vazio = qualquer.",
    "percentual_de": "Faixa de desconto (alçada, comissão): acima de (exclusivo).",
    "percentual_ate": "Faixa de desconto: até (inclusive).",
}
_FK_PEQUENAS = ("empresa", "linha", "tipo_cliente", "unidade_venda", "representante")
_FK_GRANDES = ("produto", "cliente")


def _coluna(c: planilha.ColunaRegra) -> Coluna:
    secao = _SECAO.get(c.campo)
    if secao is None:
        secao = S_DIMENSOES if c.campo in DIMENSOES else S_RESULTADO
    lista: tuple[str, ...] | str | None = None
    if c.campo == "matriz":
        lista = tuple(TipoMatriz.values)
    elif c.tipo == "booleano":
        lista = ("Sim", "Não")
    formato = {"texto": "texto", "data": "data"}.get(c.tipo, "geral")
    return Coluna(
        chave=c.campo or normalizar(c.titulo),
        titulo=c.titulo,
        nota=_NOTAS.get(c.campo, ""),
        secao=secao,
        obrigatoria=c.campo == "matriz",
        lista=lista,
        largura=c.largura or 14,
        formato=formato,
    )


COLUNAS: tuple[Coluna, ...] = tuple(_coluna(c) for c in planilha.COLUNAS)
TITULO = {c.campo: c.titulo for c in planilha.COLUNAS if c.campo}
_POR_CHAVE = {c.campo: c for c in planilha.COLUNAS if c.campo}

INSTRUCOES = (
    "Uma regra por linha, a partir da linha 2 da aba “Regras”. As colunas são as mesmas do "
    "“Exportar Excel” da lista de matrizes: exporte, ajuste e importe de volta.",
    "Matriz é obrigatória (ICMS, IPI, ICMS_ST, PIS_COFINS, PIS_COFINS_REPASSE, VALOR_MINIMO, "
    "FRETE, ALCADA, CENARIO_NEGOCIACAO, NEGOCIACAO, UNIDADE_PRODUTO, "
    "CONDICAO_PAGAMENTO_CLIENTE, COMISSAO, DESCONTO_ACRESCIMO). Cada matriz usa só algumas "
    "colunas; preencher outra é erro da linha.",
    "Colunas de dimensão vazias valem para qualquer caso; quanto mais preenchidas, mais "
    "específica a regra. Entre regras vigentes, vence a mais específica.",
    "Vigente de: hoje ou depois (vazio = hoje). O passado não muda: para alterar uma regra "
    "existente use Editar na tela, que cria uma nova versão.",
    "Uma regra com as mesmas dimensões de outra vigente no mesmo período (na base ou na própria "
    "planilha) é rejeitada: as duas empatariam.",
    "Depois de enviar, a importação fica pendente até ser processada; ao terminar mostra "
    "quantas regras foram criadas e oferece o arquivo com as linhas recusadas e o motivo.",
)
REGRA_DUPLICADAS = (
    "Regras com as mesmas dimensões e vigências que se sobrepõem são conferidas na gravação: "
    "vale a primeira linha, as seguintes são rejeitadas."
)


@dataclass(slots=True)
class RegistroRegra:
    linha: int
    dados: dict[str, Any]  # campos do modelo; FKs pequenas já como objetos-id
    produto: str = ""
    cliente: str = ""


@dataclass
class ContextoRegras:
    hoje: dt.date
    empresas: dict[str, int] = field(default_factory=dict)
    linhas: dict[str, int] = field(default_factory=dict)
    tipos_cliente: dict[str, int] = field(default_factory=dict)
    unidades: dict[str, int] = field(default_factory=dict)
    representantes: dict[str, int] = field(default_factory=dict)


class ImportacaoRegras(TipoImportacao):
    codigo = "regras"
    nome = "Regras de matrizes"
    nome_registro = "regra"
    permissao = "matrizes.add_regra"
    nome_planilha = "Regras"
    colunas = COLUNAS
    instrucoes = INSTRUCOES
    regra_duplicadas = REGRA_DUPLICADAS

    def preparar(self, importacao: Importacao | None) -> ContextoRegras:
        from cadastro.models import TipoCliente
        from contas.constants import Papel
        from contas.models import Empresa, Usuario
        from produtos.models import LinhaProduto, Unidade

        def codigos(modelo: Any) -> dict[str, int]:
            return {
                normalizar(str(codigo)): pk
                for pk, codigo in modelo.objects.values_list("pk", "codigo")
            }

        return ContextoRegras(
            hoje=timezone.localdate(),
            empresas=dict(Empresa.objects.values_list("cnpj", "pk")),
            linhas=codigos(LinhaProduto),
            tipos_cliente=codigos(TipoCliente),
            unidades=codigos(Unidade),
            representantes=dict(
                Usuario.objects.filter(groups__name=Papel.REPRESENTANTE).values_list(
                    "username", "pk"
                )
            ),
        )

    def validar(
        self, valores: dict[str, Any], ctx: ContextoRegras, linha: int
    ) -> tuple[RegistroRegra | None, list[ErroCampo]]:
        erros: list[ErroCampo] = []
        lidos: dict[str, Any] = {}
        for chave, bruto in valores.items():
            coluna = _POR_CHAVE.get(chave)
            if coluna is None:
                continue  # ID e Versão: só exportação
            try:
                lidos[chave] = planilha.converter(coluna, bruto)
            except planilha.ErroCelula as exc:
                erros.append(ErroCampo(coluna.titulo, str(exc)))
        if not lidos.get("matriz") and TITULO["matriz"] not in {e.coluna for e in erros}:
            erros.append(ErroCampo(TITULO["matriz"], "Informe a matriz."))
        if erros:
            return None, erros

        dados: dict[str, Any] = {k: v for k, v in lidos.items() if k not in _FK_GRANDES}
        if dados.get("vigencia_inicio") is None:
            dados["vigencia_inicio"] = ctx.hoje
        if dados.get("observacao") is None:
            dados["observacao"] = ""
        fontes = {
            "empresa": ctx.empresas,
            "linha": ctx.linhas,
            "tipo_cliente": ctx.tipos_cliente,
            "unidade_venda": ctx.unidades,
            "representante": ctx.representantes,
        }
        for campo in _FK_PEQUENAS:
            codigo = dados.pop(campo, None)
            if codigo is None:
                continue
            chave = codigo if campo in {"empresa", "representante"} else normalizar(codigo)
            pk = fontes[campo].get(chave)
            if pk is None:
                erros.append(ErroCampo(TITULO[campo], f"“{codigo}” não encontrado."))
            else:
                dados[f"{campo}_id"] = pk
        if dados["vigencia_inicio"] < ctx.hoje:
            erros.append(
                ErroCampo(
                    TITULO["vigencia_inicio"],
                    "A vigência não pode começar no passado: mudaria o cálculo de pedidos já "
                    f"feitos. Use {ctx.hoje:%d/%m/%Y} ou depois.",
                )
            )
        registro = RegistroRegra(
            linha=linha,
            dados=dados,
            produto=lidos.get("produto") or "",
            cliente=lidos.get("cliente") or "",
        )
        erros.extend(_validar_regra(registro))
        if erros:
            return None, erros
        return registro, []

    def chaves(self, registro: RegistroRegra) -> Sequence[Chave]:
        # Repetições dentro da planilha são regras conflitantes, conferidas na gravação pelo
        # serviço (vigências que se sobrepõem não são uma igualdade de chave).
        return ()

    def gravar(
        self, registros: list[RegistroRegra], ctx: ContextoRegras, importacao: Importacao
    ) -> ResultadoLote:
        from cadastro.models import Cliente
        from importacoes.constants import AcaoObjeto
        from importacoes.models import ObjetoImportado
        from matrizes.services import regra_criar
        from produtos.models import Produto

        resultado = ResultadoLote()
        autor = importacao.criado_por
        codigos = {r.produto for r in registros if r.produto}
        produtos = {p.codigo: p.pk for p in Produto.objects.filter(codigo__in=codigos)}
        documentos = {r.cliente for r in registros if r.cliente}
        clientes = dict(
            Cliente.objects.visiveis_para(autor)
            .filter(documento__in=documentos)
            .values_list("documento", "pk")
        )
        objetos: list[ObjetoImportado] = []
        with pghistory.context(importacao=importacao.pk):
            for registro in registros:
                dados = dict(registro.dados)
                recusas = []
                if registro.produto:
                    if registro.produto in produtos:
                        dados["produto_id"] = produtos[registro.produto]
                    else:
                        recusas.append(
                            ErroCampo(TITULO["produto"], f"“{registro.produto}” não encontrado.")
                        )
                if registro.cliente:
                    if registro.cliente in clientes:
                        dados["cliente_id"] = clientes[registro.cliente]
                    else:
                        recusas.append(
                            ErroCampo(
                                TITULO["cliente"],
                                f"“{registro.cliente}” não encontrado entre os clientes que "
                                "você vê.",
                            )
                        )
                if recusas:
                    resultado.rejeitadas[registro.linha] = recusas
                    continue
                try:
                    with transaction.atomic():
                        regra = regra_criar(
                            dados=dados,
                            ator=autor,
                            hoje=ctx.hoje,
                            evento=TipoEventoRegra.IMPORTADA,
                            evento_dados={"importacao": importacao.pk, "linha": registro.linha},
                        )
                except ValidationError as erro:
                    resultado.rejeitadas[registro.linha] = [
                        ErroCampo(TITULO.get(campo, "Regra"), mensagem)
                        for campo, mensagem in _erros_por_campo(erro)
                    ]
                    continue
                resultado.criadas += 1
                objetos.append(
                    ObjetoImportado(
                        importacao_id=importacao.pk,
                        objeto_id=regra.pk,
                        linha=registro.linha,
                        acao=AcaoObjeto.CRIADO,
                    )
                )
        ObjetoImportado.objects.bulk_create(objetos)
        return resultado

    def url_objeto(self, objeto_id: int) -> str | None:
        return reverse("matrizes:regra-detalhe", args=[objeto_id])

    def descrever_objetos(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            pk: f"{ROTULO_CURTO.get(matriz, matriz)} #{pk}"
            for pk, matriz in Regra.objects.filter(pk__in=ids).values_list("pk", "matriz")
        }


def _validar_regra(registro: RegistroRegra) -> list[ErroCampo]:
    """As regras da matriz (dimensões aceitas, resultados exigidos, formatos), sem banco.

    Produto e cliente ainda são códigos: um id provisório basta, porque a validação só olha se
    a dimensão está preenchida.
    """
    regra = Regra(**registro.dados)
    if registro.produto:
        regra.produto_id = -1
    if registro.cliente:
        regra.cliente_id = -1
    fks = [f.name for f in Regra._meta.concrete_fields if f.is_relation]
    erros: list[tuple[str, str]] = []
    try:
        regra.clean_fields(exclude=fks)
    except ValidationError as erro:
        erros.extend(_erros_por_campo(erro))
    try:
        regra.clean()
    except ValidationError as erro:
        ja = {c for c, _ in erros}
        erros.extend((c, m) for c, m in _erros_por_campo(erro) if c not in ja)
    return [ErroCampo(TITULO.get(campo, "Regra"), mensagem) for campo, mensagem in erros]


def _erros_por_campo(erro: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(erro, "error_dict"):
        return [("", m) for m in erro.messages]
    return [(campo, m) for campo, lista in erro.message_dict.items() for m in lista]
