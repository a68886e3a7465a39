"""Client spreadsheet import (isoCadastro, seed 000 "Importação de clientes").

The generic machinery (job, batches, resume, error file, template) is in `importacoes`; this
module says what a client row is and how a batch of them is written.

Sections and what the import does with each (also in the template's instructions sheet):

- Identification (mandatory on every row): CPF or CNPJ (alphanumeric CNPJ accepted; numbers
  the spreadsheet turned into integers are zero-padded back), external code, origin, foreigner
  flag, client type. A foreigner may come without a document; such a client is then found by
  origin + external code.
- Person/organisation data, general data and CNAE: UPDATE the client — a filled cell replaces
  the value, an empty cell keeps what the CRM has.
- Complementary data, responsibles (rep + carteira) and fiscal category: REPLACE — when a row
  fills any cell of one of these sections, the whole section takes the row's values (empty
  cells clear it); a row that leaves a section entirely empty leaves it untouched.
- Sales table (with its billing location + warehouse): set when filled.
- Address, phones, e-mail/site: a new entry is created only when it differs from every entry
  the client already has (compared without case, accents or extra spaces), so re-importing a
  file never duplicates them.
- Consent per channel: "Sim" grants, "Não" revokes (an event is appended only when the state
  changes). An import never grants a channel whose latest event is a revocation made in the
  CRM itself (screen, integration, system): that row is imported, the field is refused and the
  row is flagged in the error file.

The same client twice in one file (e.g. `123.456.789-09` and `12345678909`, or the same origin
+ external code): the FIRST valid occurrence wins; the later rows are rejected, each saying
which row it repeats.

Writing is set-based, per batch: COPY into TEMP staging tables, lock the existing clients in
document order (so two imports of overlapping files cannot deadlock each other), one UPDATE for
the changed clients, one INSERT … ON CONFLICT DO NOTHING for the new ones, one INSERT per child
table for the entries that differ, one for consents, one for the timeline events. History
(pghistory) is written the same way — see importacoes/historico.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cadastro.constants import (
    CanalContato,
    IndicadorIE,
    OrigemAlteracao,
    Sexo,
    TipoContatoEletronico,
    TipoEndereco,
    TipoEventoCliente,
    TipoPessoa,
    TipoTelefone,
)
from cadastro.models import (
    Armazem,
    Carteira,
    CategoriaFiscal,
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    LocalFaturamento,
    Municipio,
    Origem,
    SituacaoSCPC,
    StatusCliente,
    TabelaVenda,
    Telefone,
    TipoCliente,
)
from cadastro.services import erro_ie, normalizar_ie
from contas.constants import UFS
from crm.documentos import (
    DocumentoInvalido,
    formatar_documento,
    limpar,
    validar_cep,
    validar_cnpj,
    validar_cpf,
    validar_fone,
)
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from importacoes.historico import SQL_RESTAURAR_GATILHOS, historico_de, sql_ignorar_gatilhos
from importacoes.sql import colunas_e_valores
from importacoes.tipos import Chave, Coluna, ErroCampo, ResultadoLote, TipoImportacao
from importacoes.valores import (
    Opcoes,
    ValorInvalido,
    data,
    dinheiro,
    inteiro,
    normalizar,
    sim_nao_rapido,
    texto,
)

if TYPE_CHECKING:
    from importacoes.models import Importacao

SIM_NAO = ("Sim", "Não")
_LIMITE_CREDITO_MAXIMO = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)

# --- columns ---------------------------------------------------------------------------------

S_ID = "Identificação (obrigatória)"
S_PESSOA = "Pessoa ou organização (atualiza)"
S_GERAIS = "Dados gerais e CNAE (atualiza)"
S_COMPL = "Dados complementares (substitui)"
S_RESP = "Responsáveis (substitui)"
S_FISCAL = "Categoria fiscal (substitui)"
S_VENDA = "Tabela de venda"
S_END = "Endereço (cria se for diferente)"
S_FONE = "Telefones (cria se for diferente)"
S_CTT = "Contatos eletrônicos (cria se for diferente)"
S_CONS = "Consentimentos (LGPD)"

_TXT = "texto"
_DATA = "data"

COLUNAS: tuple[Coluna, ...] = (
    Coluna(
        "documento",
        "CPF/CNPJ",
        "CPF (11 dígitos) ou CNPJ (14 caracteres; o CNPJ alfanumérico é aceito), com ou sem "
        "máscara. Obrigatório, exceto para estrangeiro.",
        S_ID,
        True,
        exemplo="123.456.789-09",
        sinonimos=("CPF", "CNPJ", "CPF ou CNPJ", "Documento"),
        largura=20,
        formato=_TXT,
    ),
    Coluna(
        "codigo_externo",
        "Código externo",
        "Código do cliente no sistema de origem (ERP, e-commerce…). Obrigatório; único em "
        "cada origem.",
        S_ID,
        True,
        exemplo="ERP-000123",
        sinonimos=("Código", "Cod. externo"),
        formato=_TXT,
    ),
    Coluna(
        "origem",
        "Origem",
        "Código da origem do cadastro (Administração › Origens). Obrigatório.",
        S_ID,
        True,
        lista="origens",
        exemplo="ERP",
    ),
    Coluna(
        "estrangeiro",
        "Estrangeiro",
        "Sim ou Não. Obrigatório. Estrangeiro pode vir sem CPF/CNPJ.",
        S_ID,
        True,
        lista=SIM_NAO,
        exemplo="Não",
        largura=12,
    ),
    Coluna(
        "tipo_cliente",
        "Tipo de cliente",
        "Código do tipo de cliente (Administração › Tipos de cliente). Obrigatório.",
        S_ID,
        True,
        lista="tipos_cliente",
        exemplo="CF",
    ),
    Coluna(
        "tipo_pessoa",
        "Tipo de pessoa",
        "Física ou Jurídica. Só é preciso para estrangeiro sem documento; nos demais casos "
        "vem do CPF/CNPJ.",
        S_ID,
        lista=("Física", "Jurídica"),
        exemplo="Física",
        largura=14,
    ),
    Coluna(
        "nome",
        "Nome / Razão social",
        "Obrigatório para cliente novo; vazio mantém o nome atual. Até 150 caracteres.",
        S_PESSOA,
        exemplo="Maria da Silva",
        sinonimos=("Nome", "Razão social"),
        largura=32,
    ),
    Coluna("nome_fantasia", "Nome fantasia", "Até 150 caracteres.", S_PESSOA, largura=24),
    Coluna(
        "data_nascimento",
        "Data de nascimento / fundação",
        "dd/mm/aaaa ou uma célula de data do Excel.",
        S_PESSOA,
        exemplo="25/12/1980",
        sinonimos=("Data de nascimento", "Data de fundação", "Nascimento"),
        formato=_DATA,
    ),
    Coluna(
        "sexo",
        "Sexo",
        "Masculino, Feminino, Outro ou Não informado (ou M, F, O, N).",
        S_PESSOA,
        lista=tuple(Sexo.labels),
        exemplo="Feminino",
        largura=14,
    ),
    Coluna(
        "status",
        "Status",
        "Código do status (Administração › Status de cliente). Vazio em cliente novo: Ativo.",
        S_GERAIS,
        lista="status",
        exemplo="ATIVO",
    ),
    Coluna(
        "situacao_scpc",
        "Situação SCPC",
        "Código da situação no SCPC (Administração › Situações SCPC).",
        S_GERAIS,
        lista="situacoes_scpc",
    ),
    Coluna(
        "cnae",
        "CNAE",
        "7 dígitos, com ou sem máscara (4711-3/02). Só para pessoa jurídica.",
        S_GERAIS,
        exemplo="4711-3/02",
        formato=_TXT,
        largura=12,
    ),
    Coluna(
        "limite_credito",
        "Limite de crédito",
        "Valor em reais: 1.234,56 ou um número.",
        S_GERAIS,
        exemplo="5.000,00",
        largura=16,
    ),
    Coluna("convenio", "Convênio", "Até 60 caracteres.", S_GERAIS),
    Coluna("crediario", "Crediário", "Sim ou Não.", S_GERAIS, lista=SIM_NAO, largura=12),
    Coluna(
        "credito_rotativo", "Crédito rotativo", "Sim ou Não.", S_GERAIS, lista=SIM_NAO, largura=14
    ),
    Coluna(
        "canal_preferido",
        "Canal preferido",
        "SMS/WhatsApp, E-mail, Ligação telefônica ou Carta.",
        S_GERAIS,
        lista=tuple(CanalContato.labels),
    ),
    Coluna("observacoes", "Observações", "Texto livre.", S_GERAIS, largura=30),
    Coluna(
        "profissao",
        "Profissão / atividade",
        "Até 80 caracteres.",
        S_COMPL,
        sinonimos=("Profissão", "Atividade"),
    ),
    Coluna("time_futebol", "Time de futebol", "Até 60 caracteres.", S_COMPL, sinonimos=("Time",)),
    Coluna(
        "tamanho_calcado",
        "Tamanho do calçado",
        "Número inteiro (15 a 55).",
        S_COMPL,
        sinonimos=("Calçado",),
        largura=12,
    ),
    Coluna("conjuge_nascimento", "Aniversário do cônjuge", "dd/mm/aaaa.", S_COMPL, formato=_DATA),
    Coluna(
        "representante",
        "Representante",
        "Usuário (login) do representante responsável.",
        S_RESP,
        formato=_TXT,
    ),
    Coluna(
        "carteira",
        "Carteira",
        "Código da carteira. Sem representante, vale o dono da carteira.",
        S_RESP,
        formato=_TXT,
    ),
    Coluna(
        "categoria_fiscal",
        "Categoria fiscal",
        "Código da categoria fiscal.",
        S_FISCAL,
        lista="categorias_fiscais",
    ),
    Coluna(
        "indicador_ie",
        "Indicador da IE",
        "Contribuinte, Isento ou Não contribuinte (indIEDest da NF-e: 1, 2 ou 9). Vazio com a "
        "inscrição preenchida vale Contribuinte. Vem junto com a inscrição estadual: as duas "
        "substituem as atuais.",
        S_FISCAL,
        lista=("Contribuinte", "Isento", "Não contribuinte"),
        exemplo="Contribuinte",
        largura=18,
    ),
    Coluna(
        "inscricao_estadual",
        "Inscrição estadual",
        "Até 14 números, com ou sem máscara. Obrigatória para contribuinte; vazia para isento.",
        S_FISCAL,
        exemplo="110.042.490.114",
        sinonimos=("IE", "Inscrição"),
        largura=18,
        formato=_TXT,
    ),
    Coluna(
        "consumidor_final",
        "Consumidor final",
        "Sim ou Não: compra para uso e consumo (não para revenda ou industrialização).",
        S_FISCAL,
        lista=SIM_NAO,
        exemplo="Não",
        largura=14,
    ),
    Coluna(
        "tabela_venda",
        "Tabela de venda",
        "Código da tabela de venda.",
        S_VENDA,
        lista="tabelas_venda",
    ),
    Coluna(
        "local_faturamento",
        "Local de faturamento",
        "Opcional: código do local de faturamento; deve ser o da tabela de venda.",
        S_VENDA,
        lista="locais_faturamento",
    ),
    Coluna(
        "armazem",
        "Armazém",
        "Opcional: código do armazém; deve ser o da tabela de venda.",
        S_VENDA,
        lista="armazens",
    ),
    Coluna(
        "tipo_endereco",
        "Tipo de endereço",
        "Principal, Cobrança, Entrega, Comercial ou Residencial. Vazio: Principal.",
        S_END,
        lista=tuple(TipoEndereco.labels),
        largura=14,
    ),
    Coluna(
        "cep",
        "CEP",
        "8 dígitos, com ou sem traço.",
        S_END,
        exemplo="01310-100",
        formato=_TXT,
        largura=12,
    ),
    Coluna(
        "logradouro",
        "Logradouro",
        "Rua, avenida… Obrigatório quando o endereço é informado.",
        S_END,
        exemplo="Avenida Paulista",
        sinonimos=("Endereço", "Rua"),
        largura=30,
    ),
    Coluna("numero", "Número", "Até 20 caracteres.", S_END, formato=_TXT, largura=10),
    Coluna("complemento", "Complemento", "Até 80 caracteres.", S_END),
    Coluna("bairro", "Bairro", "Até 80 caracteres.", S_END),
    Coluna(
        "municipio",
        "Município",
        "Nome do município (com ou sem acento) da UF informada.",
        S_END,
        exemplo="São Paulo",
        sinonimos=("Cidade",),
        largura=22,
    ),
    Coluna(
        "uf",
        "UF",
        "Sigla do estado. Obrigatória quando o endereço é informado.",
        S_END,
        lista=tuple(s for s, _ in UFS),
        exemplo="SP",
        sinonimos=("Estado",),
        largura=8,
    ),
    Coluna(
        "codigo_ibge",
        "Código IBGE",
        "Opcional: código IBGE do município (7 dígitos), no lugar do nome.",
        S_END,
        formato=_TXT,
        largura=12,
    ),
    Coluna(
        "telefone",
        "Telefone",
        "DDD + número (fixo ou celular), com ou sem máscara.",
        S_FONE,
        exemplo="(11) 3333-4444",
        sinonimos=("Telefone fixo", "Fone"),
        formato=_TXT,
    ),
    Coluna(
        "celular",
        "Celular",
        "DDD + 9 dígitos começando por 9.",
        S_FONE,
        exemplo="(11) 98765-4321",
        sinonimos=("Telefone celular",),
        formato=_TXT,
    ),
    Coluna(
        "email",
        "E-mail",
        "Um endereço de e-mail.",
        S_CTT,
        exemplo="maria@exemplo.com.br",
        sinonimos=("Email",),
        largura=28,
    ),
    Coluna("site", "Site", "Endereço do site.", S_CTT, largura=24),
    Coluna(
        "consente_sms_whatsapp",
        "Aceita SMS/WhatsApp",
        "Sim ou Não. Vazio: não muda.",
        S_CONS,
        lista=SIM_NAO,
        largura=12,
    ),
    Coluna(
        "consente_email",
        "Aceita e-mail",
        "Sim ou Não. Vazio: não muda.",
        S_CONS,
        lista=SIM_NAO,
        largura=12,
    ),
    Coluna(
        "consente_telefone",
        "Aceita ligação",
        "Sim ou Não. Vazio: não muda.",
        S_CONS,
        lista=SIM_NAO,
        largura=12,
    ),
    Coluna(
        "consente_carta",
        "Aceita carta",
        "Sim ou Não. Vazio: não muda.",
        S_CONS,
        lista=SIM_NAO,
        largura=12,
    ),
)
TITULO = {c.chave: c.titulo for c in COLUNAS}

_CANAIS = (
    ("consente_sms_whatsapp", CanalContato.SMS_WHATSAPP),
    ("consente_email", CanalContato.EMAIL),
    ("consente_telefone", CanalContato.TELEFONE),
    ("consente_carta", CanalContato.CARTA),
)
_COMPLEMENTARES = ("profissao", "time_futebol", "tamanho_calcado", "conjuge_nascimento")
_ENDERECO = ("cep", "logradouro", "numero", "complemento", "bairro", "municipio", "uf",
             "codigo_ibge", "tipo_endereco")  # fmt: skip
_CNAE = re.compile(r"^\d{7}$")
_valida_url = URLValidator(schemes=["http", "https"])

INSTRUCOES = (
    "Preencha uma linha por cliente, a partir da linha 2 da aba “Clientes”. Não mude os títulos "
    "das colunas (maiúsculas, acentos e espaços nas pontas não importam); colunas que você não "
    "usa podem ser apagadas, e colunas desconhecidas são ignoradas e avisadas uma vez.",
    "Identificação obrigatória em toda linha: CPF/CNPJ, Código externo, Origem, Estrangeiro e "
    "Tipo de cliente. Estrangeiro pode vir sem CPF/CNPJ (é então reconhecido pela origem + "
    "código externo). CPF/CNPJ digitado como número tem os zeros à esquerda recompostos.",
    "O cliente é reconhecido pelo CPF/CNPJ: se já existe no CRM, é atualizado; se não, é criado.",
    "Pessoa ou organização, Dados gerais e CNAE: célula preenchida substitui o valor do CRM; "
    "célula vazia mantém o que o CRM tem.",
    "Dados complementares, Responsáveis e Categoria fiscal substituem o registro anterior: se a "
    "linha preenche alguma coluna da seção, a seção inteira fica como na linha (vazias apagam). "
    "Seção toda vazia: nada muda.",
    "Endereço, telefones, e-mail e site: um novo registro é criado só quando difere dos que o "
    "cliente já tem (sem considerar maiúsculas, acentos e espaços). Importar o mesmo arquivo de "
    "novo não duplica nada.",
    "Datas: dd/mm/aaaa ou células de data do Excel. Valores: 1.234,56 ou números.",
    "Consentimentos: Sim concede, Não revoga, vazio não muda. Um canal que o cliente revogou no "
    "CRM nunca é reativado pela importação: a linha é importada, o campo é recusado e a linha "
    "aparece com aviso no arquivo de erros.",
    "Cliente repetido na mesma planilha (o mesmo CPF/CNPJ com ou sem máscara, ou a mesma origem "
    "+ código externo): vale a primeira linha válida; as seguintes são rejeitadas e o arquivo "
    "de erros diz qual linha elas repetem.",
    "Uma linha com problema nunca impede as outras: ela volta no arquivo de erros, do jeito que "
    "veio, com uma coluna explicando cada problema. Corrija e importe esse mesmo arquivo.",
)
REGRA_DUPLICADAS = (
    "Cliente repetido na planilha: vale a primeira linha válida; as repetições são rejeitadas."
)


# --- validation ------------------------------------------------------------------------------


@dataclass(slots=True)
class RegistroCliente:
    linha: int
    documento: str | None
    origem_id: int
    codigo_externo: str
    cliente: tuple[Any, ...]  # one staging row, in COLUNAS_STAGING order (linha first)
    endereco: tuple[Any, ...] | None = None
    telefones: list[tuple[Any, ...]] = field(default_factory=list)
    contatos: list[tuple[Any, ...]] = field(default_factory=list)
    consentimentos: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class ContextoClientes:
    """Lookup tables, loaded once per job; read-only while rows are validated."""

    origens: dict[str, int]
    nomes_origem: dict[int, str]
    tipos_cliente: dict[str, int]
    status: dict[str, int]
    status_padrao: int | None
    situacoes_scpc: dict[str, int]
    categorias_fiscais: dict[str, int]
    tabelas_venda: dict[str, tuple[int, int | None, int | None]]
    locais_faturamento: dict[str, int]
    armazens: dict[str, int]
    usuarios: dict[str, int]
    carteiras: dict[str, tuple[int, int]]
    municipios: dict[tuple[str, str], int]
    codigos_ibge: dict[int, str]
    hoje: dt.date = field(default_factory=timezone.localdate)
    importacao_id: int = 0
    ator_id: int | None = None
    contexto_historico: str | None = None
    conversores: dict[str, Any] = field(default_factory=dict)


def _mapa(registros: Sequence[tuple[int, str, str]]) -> dict[str, int]:
    """normalizar(código) and normalizar(descrição) → id (the code wins a clash)."""
    mapa: dict[str, int] = {}
    for pk, _, descricao in registros:
        mapa.setdefault(normalizar(descricao), pk)
    for pk, codigo, _ in registros:
        mapa[normalizar(codigo)] = pk
    return mapa


def _aux(modelo: Any) -> dict[str, int]:
    return _mapa(list(modelo.objects.filter(ativo=True).values_list("pk", "codigo", "descricao")))


def _opcoes(escolhas: Any) -> dict[str, str]:
    mapa = {normalizar(str(rotulo)): valor for valor, rotulo in escolhas.choices}
    mapa.update({normalizar(valor): valor for valor, _ in escolhas.choices if valor})
    return mapa


_SEXOS = _opcoes(Sexo)
_INDICADORES_IE = _opcoes(IndicadorIE) | {
    "contribuinte": IndicadorIE.CONTRIBUINTE,
    "isento": IndicadorIE.ISENTO,
    "nao contribuinte": IndicadorIE.NAO_CONTRIBUINTE,
}
_CANAIS_OPCOES = _opcoes(CanalContato)
_TIPOS_ENDERECO = _opcoes(TipoEndereco)
_TIPOS_PESSOA = {"f": "F", "fisica": "F", "pf": "F", "j": "J", "juridica": "J", "pj": "J"}
_UFS = {normalizar(s): s for s, _ in UFS} | {normalizar(n): s for s, n in UFS}


def _documento(bruto: Any, tipo_pessoa: str | None) -> tuple[str, str]:
    """(número, "F"|"J"). A CNPJ typed as a number can lose its zeros and look like a CPF."""
    if tipo_pessoa == TipoPessoa.JURIDICA:
        return validar_cnpj(bruto), TipoPessoa.JURIDICA
    if tipo_pessoa == TipoPessoa.FISICA:
        return validar_cpf(bruto), TipoPessoa.FISICA
    numero = limpar(bruto)
    if numero.isdigit() and len(numero) <= 11:
        try:
            return validar_cpf(bruto), TipoPessoa.FISICA
        except DocumentoInvalido:
            try:
                return validar_cnpj(numero), TipoPessoa.JURIDICA
            except DocumentoInvalido:
                pass
            raise
    return validar_cnpj(bruto), TipoPessoa.JURIDICA


_EMAIL_SIMPLES = re.compile(
    r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$"
)


def _conv_texto(chave: str, maximo: int) -> Any:
    rotulo = TITULO[chave]

    def converter(bruto: Any) -> str:
        if type(bruto) is str:
            valor = bruto.strip()
            if len(valor) > maximo:
                raise ValorInvalido(f"{rotulo} com {len(valor)} caracteres; o máximo é {maximo}.")
            return valor
        return texto(bruto, maximo=maximo, rotulo=rotulo)

    return converter


def _conv_cnae(bruto: Any) -> str:
    numero = re.sub(r"\D", "", texto(bruto))
    if not _CNAE.match(numero):
        raise ValorInvalido(f"CNAE “{texto(bruto)}” deve ter 7 dígitos (ex.: 4711-3/02).")
    return numero


def _conv_limite(bruto: Any) -> Decimal | None:
    limite = dinheiro(bruto, rotulo="Limite de crédito")
    if limite is not None and not (0 <= limite < _LIMITE_CREDITO_MAXIMO):
        raise ValorInvalido("O limite de crédito deve ser positivo e menor que 1 trilhão.")
    return limite


def _conv_calcado(bruto: Any) -> int | None:
    numero = inteiro(bruto, rotulo="Tamanho do calçado")
    if numero is not None and not 15 <= numero <= 55:
        raise ValorInvalido(f"Tamanho do calçado {numero} fora de 15 a 55.")
    return numero


def _conv_ibge(bruto: Any) -> int:
    numero = re.sub(r"\D", "", texto(bruto))
    if len(numero) != 7:
        raise ValorInvalido(f"Código IBGE “{texto(bruto)}” deve ter 7 dígitos.")
    return int(numero)


def _conv_email(bruto: Any) -> str:
    email = texto(bruto, maximo=200, rotulo="E-mail").lower()
    if _EMAIL_SIMPLES.match(email):
        return email  # the common case, without Django's slower validator
    try:
        validate_email(email)
    except ValidationError:
        raise ValorInvalido(f"E-mail “{email}” inválido.") from None
    return email


def _conv_site(bruto: Any) -> str:
    site = texto(bruto, maximo=200, rotulo="Site")
    try:
        _valida_url(site if "://" in site else f"http://{site}")
    except ValidationError:
        raise ValorInvalido(f"Site “{site}” inválido.") from None
    return site


def _conv_celular(bruto: Any) -> str:
    return validar_fone(bruto)


def _conversores(ctx: ContextoClientes) -> dict[str, Any]:
    """Column key → converter of one non-empty cell (raises ValorInvalido/DocumentoInvalido)."""

    def lista(chave: str, mapa: dict[str, Any], dica: str) -> Opcoes:
        return Opcoes(mapa, rotulo=TITULO[chave], dica=dica)

    def sn(chave: str) -> Any:
        rotulo = TITULO[chave]
        return lambda bruto: sim_nao_rapido(bruto, rotulo=rotulo)

    return {
        "documento": lambda bruto: bruto,  # needs the person type: decided in validar()
        "codigo_externo": _conv_texto("codigo_externo", 40),
        "origem": lista("origem", ctx.origens, "um código de Administração › Origens"),
        "estrangeiro": sn("estrangeiro"),
        "tipo_cliente": lista(
            "tipo_cliente", ctx.tipos_cliente, "um código de Administração › Tipos de cliente"
        ),
        "tipo_pessoa": lista("tipo_pessoa", _TIPOS_PESSOA, "Física ou Jurídica"),
        "nome": _conv_texto("nome", 150),
        "nome_fantasia": _conv_texto("nome_fantasia", 150),
        "data_nascimento": data,
        "sexo": lista("sexo", _SEXOS, "Masculino, Feminino, Outro ou Não informado"),
        "status": lista("status", ctx.status, "um código de Administração › Status de cliente"),
        "situacao_scpc": lista("situacao_scpc", ctx.situacoes_scpc, "um código de situação"),
        "cnae": _conv_cnae,
        "limite_credito": _conv_limite,
        "convenio": _conv_texto("convenio", 60),
        "crediario": sn("crediario"),
        "credito_rotativo": sn("credito_rotativo"),
        "canal_preferido": lista(
            "canal_preferido", _CANAIS_OPCOES, "SMS/WhatsApp, E-mail, Ligação, Carta"
        ),
        "observacoes": _conv_texto("observacoes", 10_000),
        "profissao": _conv_texto("profissao", 80),
        "time_futebol": _conv_texto("time_futebol", 60),
        "tamanho_calcado": _conv_calcado,
        "conjuge_nascimento": data,
        "representante": lista("representante", ctx.usuarios, "o login de um usuário ativo"),
        "carteira": lista("carteira", ctx.carteiras, "o código de uma carteira ativa"),
        "categoria_fiscal": lista(
            "categoria_fiscal", ctx.categorias_fiscais, "um código de categoria fiscal"
        ),
        "indicador_ie": lista(
            "indicador_ie", _INDICADORES_IE, "Contribuinte, Isento ou Não contribuinte (1, 2, 9)"
        ),
        "inscricao_estadual": lambda bruto: normalizar_ie(texto(bruto)),
        "consumidor_final": sn("consumidor_final"),
        "tabela_venda": lista("tabela_venda", ctx.tabelas_venda, "um código de tabela"),
        "local_faturamento": lista(
            "local_faturamento", ctx.locais_faturamento, "um código de local"
        ),
        "armazem": lista("armazem", ctx.armazens, "um código de armazém"),
        "tipo_endereco": lista(
            "tipo_endereco", _TIPOS_ENDERECO, "Principal, Cobrança, Entrega, Comercial…"
        ),
        "cep": validar_cep,
        "logradouro": _conv_texto("logradouro", 150),
        "numero": _conv_texto("numero", 20),
        "complemento": _conv_texto("complemento", 80),
        "bairro": _conv_texto("bairro", 80),
        "municipio": _conv_texto("municipio", 80),
        "uf": lista("uf", _UFS, "a sigla do estado"),
        "codigo_ibge": _conv_ibge,
        "telefone": validar_fone,
        "celular": _conv_celular,
        "email": _conv_email,
        "site": _conv_site,
        **{chave: sn(chave) for chave, _ in _CANAIS},
    }


class ImportacaoClientes(TipoImportacao):
    codigo = "clientes"
    nome = "Clientes"
    permissao = "cadastro.importar_clientes"
    nome_planilha = "Clientes"
    nome_registro = "cliente"
    colunas = COLUNAS
    instrucoes = INSTRUCOES
    regra_duplicadas = REGRA_DUPLICADAS

    # -- lookups ------------------------------------------------------------------------------

    def preparar(self, importacao: Importacao | None) -> ContextoClientes:
        origens = list(Origem.objects.filter(ativo=True).values_list("pk", "codigo", "descricao"))
        status = list(
            StatusCliente.objects.filter(ativo=True).values_list("pk", "codigo", "descricao")
        )
        padrao = next((pk for pk, codigo, _ in status if normalizar(codigo) == "ativo"), None)
        if padrao is None:
            padrao = (
                StatusCliente.objects.filter(ativo=True, considera_ativo=True)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        tabelas: dict[str, tuple[int, int | None, int | None]] = {}
        for pk, codigo, descricao, local, armazem in TabelaVenda.objects.filter(
            ativo=True
        ).values_list("pk", "codigo", "descricao", "local_faturamento_id", "armazem_id"):
            tabelas.setdefault(normalizar(descricao), (pk, local, armazem))
            tabelas[normalizar(codigo)] = (pk, local, armazem)
        from contas.models import Usuario

        usuarios = {
            normalizar(u): pk
            for pk, u in Usuario.objects.filter(is_active=True).values_list("pk", "username")
        }
        carteiras = {
            normalizar(c): (pk, rep)
            for pk, c, rep in Carteira.objects.filter(ativa=True).values_list(
                "pk", "codigo", "representante_id"
            )
        }
        municipios: dict[tuple[str, str], int] = {}
        codigos: dict[int, str] = {}
        for ibge, nome, uf in Municipio.objects.values_list("codigo_ibge", "nome", "uf"):
            municipios[(uf, normalizar(nome))] = ibge
            codigos[ibge] = uf
        contexto = ContextoClientes(
            origens=_mapa(origens),
            nomes_origem={pk: codigo for pk, codigo, _ in origens},
            tipos_cliente=_aux(TipoCliente),
            status=_mapa(status),
            status_padrao=padrao,
            situacoes_scpc=_aux(SituacaoSCPC),
            categorias_fiscais=_aux(CategoriaFiscal),
            tabelas_venda=tabelas,
            locais_faturamento=_aux(LocalFaturamento),
            armazens=_aux(Armazem),
            usuarios=usuarios,
            carteiras=carteiras,
            municipios=municipios,
            codigos_ibge=codigos,
            importacao_id=importacao.pk if importacao else 0,
            ator_id=importacao.criado_por_id if importacao else None,
            contexto_historico=str(importacao.contexto_historico)
            if importacao and importacao.contexto_historico
            else None,
        )
        contexto.conversores = _conversores(contexto)
        return contexto

    def listas(self) -> dict[str, list[str]]:
        def codigos(modelo: Any) -> list[str]:
            return list(modelo.objects.filter(ativo=True).values_list("codigo", flat=True))

        return {
            "origens": codigos(Origem),
            "tipos_cliente": codigos(TipoCliente),
            "status": codigos(StatusCliente),
            "situacoes_scpc": codigos(SituacaoSCPC),
            "categorias_fiscais": codigos(CategoriaFiscal),
            "tabelas_venda": codigos(TabelaVenda),
            "locais_faturamento": codigos(LocalFaturamento),
            "armazens": codigos(Armazem),
        }

    # -- one row ------------------------------------------------------------------------------

    def validar(
        self, valores: dict[str, Any], ctx: ContextoClientes, linha: int
    ) -> tuple[RegistroCliente | None, list[ErroCampo]]:
        """One row → staging tuples, or the list of problems (every field, not the first)."""
        erros: list[ErroCampo] = []
        v: dict[str, Any] = {}
        conversores = ctx.conversores
        # 1. Each filled cell through its column's converter (only the cells present).
        for chave, bruto in valores.items():
            conversor = conversores.get(chave)
            if conversor is None:
                continue
            try:
                valor = conversor(bruto)
            except (ValorInvalido, DocumentoInvalido) as exc:
                erros.append(ErroCampo(TITULO[chave], exc.mensagem))
                continue
            if valor is not None and valor != "":
                v[chave] = valor

        def falha(chave: str, mensagem: str) -> None:
            erros.append(ErroCampo(TITULO[chave], mensagem))

        def presente(chave: str) -> bool:
            return chave in valores

        recusadas = {e.coluna for e in erros}

        def exigir(chave: str, mensagem: str) -> None:
            if chave not in v and TITULO[chave] not in recusadas:
                falha(chave, mensagem)

        # 2. Identification.
        estrangeiro = v.get("estrangeiro")
        exigir("estrangeiro", "Informe Sim ou Não.")
        tipo_pessoa = v.get("tipo_pessoa")
        documento: str | None = None
        if not presente("documento"):
            if estrangeiro:
                tipo_pessoa = tipo_pessoa or TipoPessoa.FISICA
            elif estrangeiro is False:
                falha("documento", "Informe o CPF ou o CNPJ (só estrangeiro pode vir sem).")
        else:
            try:
                documento, tipo_pessoa = _documento(valores["documento"], tipo_pessoa)
            except DocumentoInvalido as exc:
                falha("documento", exc.mensagem)
        codigo_externo = v.get("codigo_externo")
        exigir("codigo_externo", "Informe o código externo.")
        origem_id = v.get("origem")
        exigir("origem", "Informe a origem.")
        tipo_cliente_id = v.get("tipo_cliente")
        exigir("tipo_cliente", "Informe o tipo de cliente.")

        # 3. Cross-field rules of the updated sections.
        nascimento = v.get("data_nascimento")
        if nascimento is not None and nascimento > ctx.hoje:
            falha("data_nascimento", "A data de nascimento/fundação está no futuro.")
        cnae = v.get("cnae")
        if cnae is not None and tipo_pessoa == TipoPessoa.FISICA:
            falha("cnae", "CNAE só se aplica a pessoa jurídica.")
        complementar = any(c in valores for c in _COMPLEMENTARES)
        # Indicador da IE and inscrição estadual travel together: either present replaces both,
        # so the pair is always checked whole (the client form's rule, cadastro.services).
        fiscal = "indicador_ie" in valores or "inscricao_estadual" in valores
        indicador_ie, inscricao = None, None
        if fiscal and not recusadas & {TITULO["indicador_ie"], TITULO["inscricao_estadual"]}:
            inscricao = v.get("inscricao_estadual", "")
            indicador_ie = v.get("indicador_ie") or (
                IndicadorIE.CONTRIBUINTE if inscricao else IndicadorIE.NAO_CONTRIBUINTE
            )
            erro = erro_ie(indicador_ie, inscricao)
            if erro:
                falha("inscricao_estadual", erro)
        responsaveis = "representante" in valores or "carteira" in valores
        representante_id = v.get("representante")
        carteira = v.get("carteira")
        carteira_id = None
        if carteira is not None:
            carteira_id = carteira[0]
            if representante_id is None and not presente("representante"):
                representante_id = carteira[1]
        tabela = v.get("tabela_venda")
        tabela_id = None
        local_id, armazem_id = v.get("local_faturamento"), v.get("armazem")
        if tabela is not None:
            tabela_id = tabela[0]
            if local_id is not None and tabela[1] is not None and local_id != tabela[1]:
                falha("local_faturamento", "O local de faturamento não é o da tabela de venda.")
            if armazem_id is not None and tabela[2] is not None and armazem_id != tabela[2]:
                falha("armazem", "O armazém não é o da tabela de venda.")
        elif not presente("tabela_venda") and (local_id is not None or armazem_id is not None):
            falha("tabela_venda", "Informe a tabela de venda do local de faturamento/armazém.")

        # 4. Children.
        endereco = None
        if any(c in valores for c in _ENDERECO):
            endereco = self._endereco(valores, v, ctx, linha, falha)
        telefones: list[tuple[Any, ...]] = []
        for chave in ("telefone", "celular"):
            numero = v.get(chave)
            if numero is None:
                continue
            if chave == "celular" and len(numero) != 11:
                falha(chave, f"Celular {texto(valores[chave])}: informe DDD + 9 dígitos.")
                continue
            tipo = TipoTelefone.CELULAR if len(numero) == 11 else TipoTelefone.FIXO
            if all(t[2] + t[3] != numero for t in telefones):
                # The row's first phone becomes the principal of a client that has none.
                telefones.append((linha, tipo, numero[:2], numero[2:], not telefones))
        contatos: list[tuple[Any, ...]] = []
        if "email" in v:
            contatos.append((linha, TipoContatoEletronico.EMAIL, v["email"]))
        if "site" in v:
            contatos.append((linha, TipoContatoEletronico.SITE, v["site"]))
        consentimentos = [(linha, canal.value, v[chave]) for chave, canal in _CANAIS if chave in v]

        if erros:
            return None, erros
        assert origem_id is not None and codigo_externo is not None  # checked above
        # One staging row, in COLUNAS_STAGING order.
        g = v.get
        cliente = (
            linha, documento, tipo_pessoa, bool(estrangeiro), tipo_cliente_id,
            codigo_externo, origem_id, g("nome"), g("nome_fantasia"), nascimento, g("sexo"),
            g("status"), g("situacao_scpc"), cnae, g("limite_credito"), g("convenio"),
            g("crediario"), g("credito_rotativo"), g("canal_preferido"), g("observacoes"),
            complementar, g("profissao", ""), g("time_futebol", ""), g("tamanho_calcado"),
            g("conjuge_nascimento"), responsaveis, representante_id, carteira_id,
            g("categoria_fiscal"), tabela_id, fiscal, indicador_ie, inscricao,
            g("consumidor_final"),
        )  # fmt: skip
        registro = RegistroCliente(
            linha=linha,
            documento=documento,
            origem_id=origem_id,
            codigo_externo=codigo_externo,
            cliente=cliente,
            endereco=endereco,
            telefones=telefones,
            contatos=contatos,
            consentimentos=consentimentos,
        )
        return registro, []

    def _endereco(
        self,
        valores: dict[str, Any],
        v: dict[str, Any],
        ctx: ContextoClientes,
        linha: int,
        falha: Any,
    ) -> tuple[Any, ...] | None:
        problemas = 0

        def recusar(chave: str, mensagem: str) -> None:
            nonlocal problemas
            problemas += 1
            falha(chave, mensagem)

        logradouro = v.get("logradouro")
        if "logradouro" not in valores:
            recusar("logradouro", "Informe o logradouro do endereço.")
        uf = v.get("uf")
        municipio_id = None
        if "codigo_ibge" in v:
            codigo = v["codigo_ibge"]
            uf_ibge = ctx.codigos_ibge.get(codigo)
            if uf_ibge is None:
                recusar("codigo_ibge", f"Código IBGE “{texto(valores['codigo_ibge'])}” não existe.")
            else:
                municipio_id = codigo
                if uf is None and "uf" not in valores:
                    uf = uf_ibge
                elif uf is not None and uf != uf_ibge:
                    recusar("codigo_ibge", f"O código IBGE {codigo} não é de {uf}.")
        elif "municipio" in v and uf is not None:
            municipio_id = ctx.municipios.get((uf, normalizar(v["municipio"])))
            if municipio_id is None:
                recusar("municipio", f"Município “{v['municipio']}” não encontrado em {uf}.")
        if uf is None and "uf" not in valores:
            recusar("uf", "Informe a UF do endereço.")
        if problemas or uf is None or logradouro is None:
            return None
        return (
            linha,
            v.get("tipo_endereco", TipoEndereco.PRINCIPAL),
            v.get("cep", ""),
            logradouro,
            v.get("numero", ""),
            v.get("complemento", ""),
            v.get("bairro", ""),
            municipio_id,
            uf,
        )

    def chaves(self, registro: RegistroCliente) -> Sequence[Chave]:
        externo = Chave(
            ("externo", registro.origem_id, registro.codigo_externo),
            f"código externo {registro.codigo_externo} (mesma origem)",
            TITULO["codigo_externo"],
        )
        if registro.documento is None:
            return (externo,)
        tipo = "CPF" if len(registro.documento) == 11 else "CNPJ"
        return (
            Chave(
                ("documento", registro.documento),
                f"{tipo} {formatar_documento(registro.documento)}",
                TITULO["documento"],
            ),
            externo,
        )

    # -- a batch ------------------------------------------------------------------------------

    def preparar_conexao(self, importacao: Importacao) -> None:
        with connection.cursor() as cursor:
            cursor.execute(SQL_STAGING)

    def gravar(
        self, registros: list[RegistroCliente], ctx: ContextoClientes, importacao: Importacao
    ) -> ResultadoLote:
        return _Gravacao(registros, ctx, importacao).executar()

    # -- display ------------------------------------------------------------------------------

    def url_objeto(self, objeto_id: int) -> str | None:
        try:
            return reverse("cadastro:cliente-detalhe", args=[objeto_id])
        except NoReverseMatch:
            return None

    def descrever_objetos(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            pk: f"{nome} ({formatar_documento(doc)})" if doc else nome
            for pk, nome, doc in Cliente.objects.filter(pk__in=ids).values_list(
                "pk", "nome", "documento"
            )
        }


# --- set-based writing -----------------------------------------------------------------------

COLUNAS_STAGING = (
    "linha", "documento", "tipo_pessoa", "estrangeiro", "tipo_cliente_id", "codigo_externo",
    "origem_id", "nome", "nome_fantasia", "data_nascimento", "sexo", "status_id",
    "situacao_scpc_id", "cnae", "limite_credito", "convenio", "crediario", "credito_rotativo",
    "canal_preferido", "observacoes", "complementar", "profissao", "time_futebol",
    "tamanho_calcado", "conjuge_nascimento", "responsaveis", "representante_id", "carteira_id",
    "categoria_fiscal_id", "tabela_venda_id", "fiscal", "indicador_ie", "inscricao_estadual",
    "consumidor_final",
)  # fmt: skip

# ON COMMIT DELETE ROWS: every batch transaction starts with empty staging tables.
SQL_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS imp_cli (
    linha integer PRIMARY KEY, documento varchar(14), tipo_pessoa varchar(1) NOT NULL,
    estrangeiro boolean NOT NULL, tipo_cliente_id bigint NOT NULL,
    codigo_externo varchar(40) NOT NULL, origem_id bigint NOT NULL,
    nome varchar(150), nome_fantasia varchar(150), data_nascimento date, sexo varchar(1),
    status_id bigint, situacao_scpc_id bigint, cnae varchar(7), limite_credito numeric(14, 2),
    convenio varchar(60), crediario boolean, credito_rotativo boolean,
    canal_preferido varchar(20), observacoes text,
    complementar boolean NOT NULL, profissao varchar(80) NOT NULL,
    time_futebol varchar(60) NOT NULL, tamanho_calcado smallint, conjuge_nascimento date,
    responsaveis boolean NOT NULL, representante_id bigint, carteira_id bigint,
    categoria_fiscal_id bigint, tabela_venda_id bigint, fiscal boolean NOT NULL,
    indicador_ie varchar(1), inscricao_estadual varchar(20), consumidor_final boolean,
    cliente_id bigint, criado boolean NOT NULL DEFAULT false
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS imp_end (
    linha integer NOT NULL, tipo varchar(12) NOT NULL, cep varchar(8) NOT NULL,
    logradouro varchar(150) NOT NULL, numero varchar(20) NOT NULL,
    complemento varchar(80) NOT NULL, bairro varchar(80) NOT NULL, municipio_id integer,
    uf varchar(2) NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS imp_tel (
    linha integer NOT NULL, tipo varchar(12) NOT NULL, ddd varchar(2) NOT NULL,
    numero varchar(9) NOT NULL, primeiro boolean NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS imp_ctt (
    linha integer NOT NULL, tipo varchar(10) NOT NULL, valor varchar(200) NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS imp_cons (
    linha integer NOT NULL, canal varchar(20) NOT NULL, concedido boolean NOT NULL
) ON COMMIT DELETE ROWS;
"""


# Text compared "without case, accents or extra spaces" (f_unaccent = lower(unaccent(…))).
def _norm(expr: str) -> str:
    return f"f_unaccent(btrim(regexp_replace({expr}, '\\s+', ' ', 'g')))"


_ATUALIZA = (
    "nome", "nome_fantasia", "data_nascimento", "sexo", "status_id", "situacao_scpc_id", "cnae",
    "limite_credito", "convenio", "crediario", "credito_rotativo", "canal_preferido",
    "observacoes", "categoria_fiscal_id", "tabela_venda_id", "consumidor_final",
)  # fmt: skip

# New value of each client column for an existing client `c` given the staging row `s`.
_UPDATE_EXPR: dict[str, str] = {
    "estrangeiro": "s.estrangeiro",
    "tipo_cliente_id": "s.tipo_cliente_id",
    "codigo_externo": "s.codigo_externo",
    "origem_id": "s.origem_id",
    **{c: f"COALESCE(s.{c}, c.{c})" for c in _ATUALIZA},
    **{
        c: f"CASE WHEN s.complementar THEN s.{c} ELSE c.{c} END"
        for c in ("profissao", "time_futebol", "tamanho_calcado", "conjuge_nascimento")
    },
    **{
        c: f"CASE WHEN s.responsaveis THEN s.{c} ELSE c.{c} END"
        for c in ("representante_id", "carteira_id")
    },
    **{
        c: f"CASE WHEN s.fiscal THEN s.{c} ELSE c.{c} END"
        for c in ("indicador_ie", "inscricao_estadual")
    },
}
_SET = ", ".join(f"{c} = {e}" for c, e in _UPDATE_EXPR.items())
_DIFERENTE = (
    f"({', '.join('c.' + c for c in _UPDATE_EXPR)}) IS DISTINCT FROM "
    f"({', '.join(_UPDATE_EXPR.values())})"
)

_INSERT_COLUNAS = (
    "tipo_pessoa", "documento", "estrangeiro", "tipo_cliente_id", "codigo_externo", "origem_id",
    "nome", "nome_fantasia", "data_nascimento", "sexo", "profissao", "time_futebol",
    "tamanho_calcado", "conjuge_nascimento", "status_id", "situacao_scpc_id", "cnae",
    "categoria_fiscal_id", "representante_id", "carteira_id", "tabela_venda_id",
    "limite_credito", "convenio", "crediario", "credito_rotativo", "canal_preferido",
    "observacoes", "indicador_ie", "inscricao_estadual", "consumidor_final", "versao",
    "criado_em", "atualizado_em",
)  # fmt: skip
_INSERT_VALORES = {
    "nome_fantasia": "COALESCE(s.nome_fantasia, '')",
    "sexo": "COALESCE(s.sexo, '')",
    "status_id": "COALESCE(s.status_id, %(status_padrao)s)",
    "cnae": "COALESCE(s.cnae, '')",
    "convenio": "COALESCE(s.convenio, '')",
    "crediario": "COALESCE(s.crediario, false)",
    "credito_rotativo": "COALESCE(s.credito_rotativo, false)",
    "canal_preferido": "COALESCE(s.canal_preferido, '')",
    "observacoes": "COALESCE(s.observacoes, '')",
    "indicador_ie": f"COALESCE(s.indicador_ie, '{IndicadorIE.NAO_CONTRIBUINTE.value}')",
    "inscricao_estadual": "COALESCE(s.inscricao_estadual, '')",
    "consumidor_final": "COALESCE(s.consumidor_final, true)",
    "versao": "1",
    "criado_em": "now()",
    "atualizado_em": "now()",
}

# Existing clients of the batch, as an array: `= ANY(ARRAY(…))` makes Postgres look them up
# through the index on cliente_id whatever it guesses about the (unanalysed) staging table.
_CLIENTES_EXISTENTES = "SELECT cliente_id FROM imp_cli WHERE cliente_id IS NOT NULL AND NOT criado"


def _sql_filhos(
    *,
    modelo: Any,
    staging: str,
    valores: dict[str, str],
    chave_existente: str,
    chave_nova: str,
    principal_por_tipo: bool = False,
    principal_extra: str = "",
) -> tuple[str, dict[str, Any]]:
    """INSERT the staged children that match none of the client's existing ones.

    Existing children of the batch's (pre-existing) clients are read once, with their
    comparison key, into a materialised CTE; the anti-join against it is a hash join.
    """
    tabela = modelo._meta.db_table
    mesmo_tipo = " AND p.tipo = n.tipo" if principal_por_tipo else ""
    principal = (
        f"{principal_extra} NOT EXISTS (SELECT 1 FROM existente p "  # noqa: S608
        f"WHERE p.cliente_id = n.cliente_id AND p.principal{mesmo_tipo})"
    )
    colunas, expressoes, padroes = colunas_e_valores(
        modelo, {**valores, "principal": principal, "criado_em": "now()"}, f"pad_{tabela}"
    )
    sql = f"""
        WITH existente AS MATERIALIZED (
            SELECT x.cliente_id, x.principal, x.tipo, {chave_existente} AS chave
            FROM {tabela} x
            WHERE x.cliente_id = ANY(ARRAY({_CLIENTES_EXISTENTES}))
        ), candidato AS (
            SELECT s.cliente_id, n.*, {chave_nova} AS chave
            FROM {staging} n JOIN imp_cli s ON s.linha = n.linha
            WHERE s.cliente_id IS NOT NULL
        ), novo AS (
            INSERT INTO {tabela} ({colunas})
            SELECT {expressoes}
            FROM candidato n
            WHERE NOT EXISTS (SELECT 1 FROM existente x
                              WHERE x.cliente_id = n.cliente_id AND x.chave = n.chave)
            ORDER BY n.cliente_id
            RETURNING *
        ), hist AS ({historico_de(modelo).inserir_de("novo", "insert")})
        SELECT DISTINCT cliente_id FROM novo
    """  # noqa: S608
    return sql, padroes


def _chave_endereco(alias: str) -> str:
    partes = [f"{alias}.tipo", f"{alias}.cep", f"{alias}.uf"] + [
        _norm(f"{alias}.{c}") for c in ("logradouro", "numero", "complemento", "bairro")
    ]
    return f"concat_ws('|', {', '.join(partes)})"


@dataclass(frozen=True)
class _Comandos:
    """The batch's SQL, built once from the models (columns added later get their defaults)."""

    cliente_colunas: str
    cliente_valores: str
    enderecos: str
    telefones: str
    contatos: str
    consentimento_colunas: str
    consentimento_valores: str
    evento_colunas: str
    evento_valores: str
    padroes: dict[str, Any]


@cache
def _comandos() -> _Comandos:
    padroes: dict[str, Any] = {}
    cliente_colunas, cliente_valores, p = colunas_e_valores(
        Cliente, {c: _INSERT_VALORES.get(c, f"s.{c}") for c in _INSERT_COLUNAS}, "pad_cli"
    )
    padroes.update(p)
    enderecos, p = _sql_filhos(
        modelo=Endereco,
        staging="imp_end",
        valores={
            c: f"n.{c}"
            for c in (
                "cliente_id",
                "tipo",
                "cep",
                "logradouro",
                "numero",
                "complemento",
                "bairro",
                "municipio_id",
                "uf",
            )
        },
        chave_existente=_chave_endereco("x"),
        chave_nova=_chave_endereco("n"),
    )
    padroes.update(p)
    telefones, p = _sql_filhos(
        modelo=Telefone,
        staging="imp_tel",
        valores={
            "cliente_id": "n.cliente_id",
            "tipo": "n.tipo",
            "ddd": "n.ddd",
            "numero": "n.numero",
        },
        chave_existente="x.ddd || x.numero",
        chave_nova="n.ddd || n.numero",
        principal_extra="n.primeiro AND",
    )
    padroes.update(p)
    contatos, p = _sql_filhos(
        modelo=ContatoEletronico,
        staging="imp_ctt",
        valores={"cliente_id": "n.cliente_id", "tipo": "n.tipo", "valor": "n.valor"},
        chave_existente="x.tipo || '|' || lower(btrim(x.valor))",
        chave_nova="n.tipo || '|' || lower(n.valor)",
        principal_por_tipo=True,
    )
    padroes.update(p)
    consentimento_colunas, consentimento_valores, p = colunas_e_valores(
        EventoConsentimento,
        {
            "cliente_id": "p.cliente_id",
            "canal": "p.canal",
            "concedido": "p.concedido",
            "ator_id": "%(ator)s",
            "origem": "%(origem_importacao)s",
            "observacao": "%(obs)s",
            "quando": "now()",
        },
        "pad_cons",
    )
    padroes.update(p)
    evento_colunas, evento_valores, p = colunas_e_valores(
        EventoCliente,
        {
            "cliente_id": "o.objeto_id",
            "tipo": "CASE o.acao WHEN 'criado' THEN %(tipo_criado)s ELSE %(tipo_atualizado)s END",
            "ator_id": "%(ator)s",
            "quando": "now()",
            "descricao": "CASE o.acao WHEN 'criado' THEN 'Importado pela importação ' "
            "ELSE 'Atualizado pela importação ' END || %(importacao)s",
            "dados": "jsonb_build_object('importacao', %(importacao)s, 'linha', o.linha)",
        },
        "pad_evt",
    )
    padroes.update(p)
    return _Comandos(
        cliente_colunas, cliente_valores, enderecos, telefones, contatos,
        consentimento_colunas, consentimento_valores, evento_colunas, evento_valores, padroes,
    )  # fmt: skip


_SQL_IGNORAR_GATILHOS = sql_ignorar_gatilhos(Cliente, Endereco, Telefone, ContatoEletronico)
_SQL_INICIO_LOTE = (
    f"{_SQL_IGNORAR_GATILHOS}; SET LOCAL synchronous_commit = off; "  # noqa: S608
    "DELETE FROM imp_cli; DELETE FROM imp_end; DELETE FROM imp_tel; "
    "DELETE FROM imp_ctt; DELETE FROM imp_cons"
)


class _Gravacao:
    """One batch: the statements run in the caller's transaction, in this order."""

    def __init__(
        self, registros: list[RegistroCliente], ctx: ContextoClientes, importacao: Importacao
    ) -> None:
        self.registros = registros
        self.ctx = ctx
        self.importacao = importacao
        self.resultado = ResultadoLote()
        self.params = {
            "contexto": ctx.contexto_historico,
            "importacao": importacao.pk,
            "ator": ctx.ator_id,
            "status_padrao": ctx.status_padrao,
            "obs": f"Importação {importacao.pk}",
            **_comandos().padroes,
        }

    def executar(self) -> ResultadoLote:
        if not self.registros:
            return self.resultado
        with connection.cursor() as cursor:
            self.cursor = cursor
            # Staging tables are emptied at every commit (ON COMMIT DELETE ROWS); the DELETEs
            # (instant on empty tables; a TRUNCATE would cost a new file per table) cover a
            # batch running inside an outer transaction. synchronous_commit off: a crash may
            # lose the last batches committed, but `lote_confirmado` is lost with them (same
            # transaction), so the resume redoes exactly those. One round trip for all.
            cursor.execute(_SQL_INICIO_LOTE)
            self._copiar()
            existentes = self._casar(todas=True)
            self._recusar()
            alterados = set(self._atualizar(linhas=None))
            criados, pendentes = self._inserir()
            rodada = 0
            while pendentes and rodada < 3:
                # Someone else (another import) committed some of our new documents between our
                # match and our insert: those rows are updates after all.
                rodada += 1
                existentes += self._casar(todas=False)
                self._recusar()
                alterados.update(self._atualizar(linhas=pendentes))
                novos, pendentes = self._inserir()
                criados += novos
            for linha in pendentes:
                self.resultado.rejeitadas[linha] = [
                    ErroCampo(
                        TITULO["documento"],
                        "Outra importação gravou este cliente ao mesmo tempo; importe a linha "
                        "novamente.",
                    )
                ]
            alterados.update(self._filhos())
            alterados.update(self._consentimentos())
            sem_alteracao = self._registrar(alterados)
            cursor.execute(SQL_RESTAURAR_GATILHOS)
        self.resultado.criadas = criados
        self.resultado.atualizadas = existentes - self._recusadas_existentes
        self.resultado.sem_alteracao = sem_alteracao
        return self.resultado

    # -- steps --------------------------------------------------------------------------------

    def _copiar(self) -> None:
        c = self.cursor
        with c.copy(f"COPY imp_cli ({', '.join(COLUNAS_STAGING)}) FROM STDIN") as copia:
            for r in self.registros:
                copia.write_row(r.cliente)
        enderecos = [r.endereco for r in self.registros if r.endereco]
        if enderecos:
            with c.copy(
                "COPY imp_end (linha, tipo, cep, logradouro, numero, complemento, bairro, "
                "municipio_id, uf) FROM STDIN"
            ) as copia:
                for linha in enderecos:
                    copia.write_row(linha)
        self._tem = {"end": bool(enderecos)}
        for tabela, colunas, atributo in (
            ("imp_tel", "linha, tipo, ddd, numero, primeiro", "telefones"),
            ("imp_ctt", "linha, tipo, valor", "contatos"),
            ("imp_cons", "linha, canal, concedido", "consentimentos"),
        ):
            linhas = [t for r in self.registros for t in getattr(r, atributo)]
            self._tem[atributo] = bool(linhas)
            if linhas:
                with c.copy(f"COPY {tabela} ({colunas}) FROM STDIN") as copia:
                    for t in linhas:
                        copia.write_row(t)
        self._sem_documento = any(r.documento is None for r in self.registros)
        self._recusadas_existentes = 0

    def _casar(self, *, todas: bool) -> int:
        """Find (and lock, in key order) the existing clients of the batch; returns how many."""
        filtro = "" if todas else "AND s.cliente_id IS NULL"
        self.cursor.execute(
            f"""
            WITH alvo AS (
                SELECT c.id, c.documento FROM cadastro_cliente c
                WHERE c.documento IN (
                    SELECT s.documento FROM imp_cli s WHERE s.documento IS NOT NULL {filtro})
                ORDER BY c.documento
                FOR UPDATE OF c
            )
            UPDATE imp_cli s SET cliente_id = alvo.id FROM alvo
            WHERE s.documento = alvo.documento
            """  # noqa: S608
        )
        casados = self.cursor.rowcount
        if self._sem_documento:
            self.cursor.execute(
                f"""
                WITH alvo AS (
                    SELECT c.id, c.origem_id, c.codigo_externo FROM cadastro_cliente c
                    JOIN imp_cli s ON s.documento IS NULL {filtro}
                        AND c.origem_id = s.origem_id AND c.codigo_externo = s.codigo_externo
                    WHERE c.documento IS NULL
                    ORDER BY c.origem_id, c.codigo_externo
                    FOR UPDATE OF c
                )
                UPDATE imp_cli s SET cliente_id = alvo.id FROM alvo
                WHERE s.documento IS NULL AND s.origem_id = alvo.origem_id
                    AND s.codigo_externo = alvo.codigo_externo
                """  # noqa: S608
            )
            casados += self.cursor.rowcount
        return casados

    def _recusar(self) -> None:
        """Rows the database would refuse, turned into row errors before writing anything."""
        self.cursor.execute(
            """
            WITH conflito AS (
                SELECT DISTINCT ON (s.linha) s.linha, 'externo' AS motivo,
                    c.documento AS outro_documento, c.nome AS outro_nome
                FROM imp_cli s
                JOIN cadastro_cliente c
                    ON c.origem_id = s.origem_id AND c.codigo_externo = s.codigo_externo
                    AND c.codigo_externo <> ''  -- lets the partial unique index answer
                WHERE c.id IS DISTINCT FROM s.cliente_id
                UNION ALL
                SELECT s.linha, 'nome', NULL, NULL FROM imp_cli s
                WHERE s.cliente_id IS NULL AND s.nome IS NULL
                UNION ALL
                SELECT s.linha, 'status', NULL, NULL FROM imp_cli s
                WHERE s.cliente_id IS NULL AND s.status_id IS NULL
                    AND %(status_padrao)s::bigint IS NULL
            )
            DELETE FROM imp_cli s USING conflito WHERE s.linha = conflito.linha
            RETURNING s.linha, conflito.motivo, s.codigo_externo, conflito.outro_documento,
                conflito.outro_nome, s.cliente_id IS NOT NULL
            """,
            self.params,
        )
        for linha, motivo, externo, outro_doc, outro_nome, existente in self.cursor.fetchall():
            if motivo == "externo":
                quem = formatar_documento(outro_doc) if outro_doc else "estrangeiro"
                erro = ErroCampo(
                    TITULO["codigo_externo"],
                    f"O código externo {externo} desta origem já é de outro cliente: "
                    f"{outro_nome} ({quem}).",
                )
            elif motivo == "nome":
                erro = ErroCampo(TITULO["nome"], "Informe o nome: o cliente é novo no CRM.")
            else:
                erro = ErroCampo(
                    TITULO["status"], "Informe o status: o cliente é novo e não há status Ativo."
                )
            self.resultado.rejeitadas.setdefault(linha, []).append(erro)
            self._recusadas_existentes += int(existente)

    def _atualizar(self, *, linhas: list[int] | None) -> list[int]:
        historico = historico_de(Cliente).inserir_de("mudou", "update")
        filtro = "" if linhas is None else "AND s.linha = ANY(%(linhas)s::integer[])"
        self.cursor.execute(
            f"""
            WITH mudou AS (
                UPDATE cadastro_cliente c SET {_SET}, versao = c.versao + 1,
                    atualizado_em = now()
                FROM imp_cli s
                WHERE c.id = s.cliente_id {filtro} AND {_DIFERENTE}
                RETURNING c.*
            ), hist AS ({historico})
            SELECT id FROM mudou
            """,  # noqa: S608
            {**self.params, "linhas": linhas},
        )
        return [i for (i,) in self.cursor.fetchall()]

    def _inserir(self) -> tuple[int, list[int]]:
        historico = historico_de(Cliente).inserir_de("novo", "insert")
        self.cursor.execute(
            f"""
            WITH novo AS (
                INSERT INTO cadastro_cliente ({_comandos().cliente_colunas})
                SELECT {_comandos().cliente_valores} FROM imp_cli s
                WHERE s.cliente_id IS NULL
                ORDER BY s.documento, s.origem_id, s.codigo_externo
                ON CONFLICT DO NOTHING
                RETURNING *
            ), hist AS ({historico}),
            marca AS (
                UPDATE imp_cli s SET cliente_id = novo.id, criado = true FROM novo
                WHERE s.origem_id = novo.origem_id AND s.codigo_externo = novo.codigo_externo
                RETURNING s.linha
            )
            SELECT count(*) FROM marca
            """,  # noqa: S608
            self.params,
        )
        (criados,) = self.cursor.fetchone()
        self.cursor.execute("SELECT linha FROM imp_cli WHERE cliente_id IS NULL ORDER BY linha")
        pendentes = [linha for (linha,) in self.cursor.fetchall()]
        return criados, pendentes

    def _filhos(self) -> set[int]:
        """Addresses, phones and e-mails/sites that differ from every one the client has."""
        alterados: set[int] = set()
        for tem, sql in (
            (self._tem["end"], _comandos().enderecos),
            (self._tem["telefones"], _comandos().telefones),
            (self._tem["contatos"], _comandos().contatos),
        ):
            if tem:
                self.cursor.execute(sql, self.params)
                alterados.update(i for (i,) in self.cursor.fetchall())
        return alterados

    def _consentimentos(self) -> set[int]:
        """Append consent events where the state changes; never re-grant a CRM revocation."""
        if not self._tem["consentimentos"]:
            return set()
        self.cursor.execute(
            f"""
            WITH atual AS (
                SELECT DISTINCT ON (e.cliente_id, e.canal) e.cliente_id, e.canal, e.concedido,
                    e.origem
                FROM cadastro_eventoconsentimento e
                WHERE e.cliente_id = ANY(ARRAY({_CLIENTES_EXISTENTES}))
                ORDER BY e.cliente_id, e.canal, e.quando DESC, e.id DESC
            ), pedido AS (
                SELECT p.linha, s.cliente_id, p.canal, p.concedido,
                    a.concedido AS atual, a.origem AS origem_atual
                FROM imp_cons p JOIN imp_cli s ON s.linha = p.linha
                LEFT JOIN atual a ON a.cliente_id = s.cliente_id AND a.canal = p.canal
                WHERE s.cliente_id IS NOT NULL
            ), bloqueado AS (
                SELECT * FROM pedido
                WHERE concedido AND atual = false AND origem_atual <> %(origem_importacao)s
            ), novo AS (
                INSERT INTO cadastro_eventoconsentimento ({_comandos().consentimento_colunas})
                SELECT {_comandos().consentimento_valores}
                FROM pedido p
                WHERE p.atual IS DISTINCT FROM p.concedido
                    AND NOT EXISTS (SELECT 1 FROM bloqueado b
                                    WHERE b.linha = p.linha AND b.canal = p.canal)
                ORDER BY p.cliente_id, p.canal
                RETURNING cliente_id
            )
            SELECT linha, canal, NULL::bigint FROM bloqueado
            UNION ALL
            SELECT DISTINCT NULL::integer, NULL, cliente_id FROM novo
            """,  # noqa: S608
            {**self.params, "origem_importacao": OrigemAlteracao.IMPORTACAO.value},
        )
        alterados: set[int] = set()
        rotulos = dict(CanalContato.choices)
        coluna = {c.value: chave for chave, c in _CANAIS}
        for linha, canal, cliente_id in self.cursor.fetchall():
            if cliente_id is not None:
                alterados.add(cliente_id)
                continue
            self.resultado.avisos.setdefault(linha, []).append(
                ErroCampo(
                    TITULO[coluna[canal]],
                    f"O cliente revogou o consentimento de {rotulos[canal]} no CRM; a "
                    "importação não o reativa (campo recusado, demais dados importados).",
                )
            )
        return alterados

    def _registrar(self, alterados: set[int]) -> int:
        """Touched objects of the job and one timeline event per created/changed client."""
        self.cursor.execute(
            f"""
            WITH objeto AS (
                INSERT INTO importacoes_objetoimportado (importacao_id, objeto_id, linha, acao)
                SELECT %(importacao)s, s.cliente_id, s.linha,
                    CASE WHEN s.criado THEN 'criado'
                         WHEN s.cliente_id = ANY(%(alterados)s::bigint[]) THEN 'atualizado'
                         ELSE 'sem_alteracao' END
                FROM imp_cli s WHERE s.cliente_id IS NOT NULL
                RETURNING objeto_id, linha, acao
            ), evento AS (
                INSERT INTO cadastro_eventocliente ({_comandos().evento_colunas})
                SELECT {_comandos().evento_valores}
                FROM objeto o WHERE o.acao <> 'sem_alteracao'
                ORDER BY o.objeto_id
            )
            SELECT count(*) FILTER (WHERE acao = 'sem_alteracao') FROM objeto
            """,  # noqa: S608
            {
                **self.params,
                "alterados": sorted(alterados),
                "tipo_criado": TipoEventoCliente.IMPORTADO.value,
                "tipo_atualizado": TipoEventoCliente.ATUALIZADO_IMPORTACAO.value,
            },
        )
        (sem_alteracao,) = self.cursor.fetchone()
        return sem_alteracao
