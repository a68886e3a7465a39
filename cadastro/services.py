"""isoCadastro writes: the client record and what hangs off it.

Every service is atomic, takes an explicit `ator` (None only for system jobs) and an `origem`,
writes one `EventoCliente` for the timeline and runs inside a pghistory context so that the
field-level audit (triggers on Cliente/Endereco/Telefone/ContatoEletronico/PessoaContato)
knows who and from where — also when called outside a request (imports, shell, tasks).

Rules that hold whatever the caller (screen, import, admin):
- the document is stored normalised and decides `tipo_pessoa` (11 digits → PF, else PJ);
  a foreigner has no CPF (a Brazilian CNPJ registration is allowed) and chooses PF/PJ;
- CNAE (7 digits) only for a company; an external code needs its origin;
- a client goes only into a carteira the actor can see;
- the edit carries `versao` (optimistic lock): a stale version raises `ConflitoDeVersao`;
- a duplicate CPF/CNPJ or external code (DB constraints) raises `ClienteDuplicado`, never a 500.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from cadastro.constants import (
    CanalContato,
    IndicadorIE,
    OrigemAlteracao,
    TipoContatoEletronico,
    TipoEventoCliente,
    TipoPessoa,
)
from cadastro.models import (
    Carteira,
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    PessoaContato,
    Telefone,
)
from cadastro.selectors import UltimaAlteracao, cliente_ultima_alteracao
from crm.documentos import DocumentoInvalido, limpar, validar_cnpj, validar_documento
from crm.money import arredondar

if TYPE_CHECKING:
    from contas.models import Usuario

# What a service may set on a client (everything a person maintains; never versao/timestamps).
CAMPOS_CLIENTE: tuple[str, ...] = (
    "tipo_pessoa",
    "documento",
    "estrangeiro",
    "tipo_cliente",
    "codigo_externo",
    "origem",
    "nome",
    "nome_fantasia",
    "data_nascimento",
    "sexo",
    "profissao",
    "time_futebol",
    "tamanho_calcado",
    "conjuge_nascimento",
    "status",
    "situacao_scpc",
    "cnae",
    "indicador_ie",
    "inscricao_estadual",
    "consumidor_final",
    "categoria_fiscal",
    "representante",
    "carteira",
    "tabela_venda",
    "limite_credito",
    "convenio",
    "crediario",
    "credito_rotativo",
    "canal_preferido",
    "observacoes",
)
CAMPOS_ENDERECO = (
    "tipo",
    "cep",
    "logradouro",
    "numero",
    "complemento",
    "bairro",
    "municipio",
    "uf",
    "principal",
)
CAMPOS_TELEFONE = ("tipo", "ddd", "numero", "operadora", "whatsapp", "principal")
CAMPOS_CONTATO_ELETRONICO = ("tipo", "valor", "principal")
CAMPOS_PESSOA_CONTATO = ("nome", "tipo", "cargo", "email", "telefone")

_CNAE_RE = re.compile(r"^\d{7}$")
_IE_MASCARA = re.compile(r"[\s./-]")
_IE_RE = re.compile(r"^[0-9A-Z]{2,14}$")


def normalizar_ie(bruto: str | None) -> str:
    """Inscrição estadual without its mask, upper case (the form and the import use this)."""
    return _IE_MASCARA.sub("", bruto or "").upper()


def erro_ie(indicador: str, ie: str) -> str | None:
    """indIEDest (NF-e) × inscrição estadual: a contribuinte has an IE; an "isento" has none.
    `ie` already normalised. The ONE rule, used by the client form and the client import."""
    if ie == "ISENTO":
        return "Para isento, escolha o indicador “Contribuinte isento” e deixe a inscrição vazia."
    if ie and not _IE_RE.match(ie):
        return "Inscrição estadual: até 14 números (a máscara é opcional)."
    if indicador == IndicadorIE.CONTRIBUINTE and not ie:
        return "Contribuinte do ICMS: informe a inscrição estadual."
    if indicador == IndicadorIE.ISENTO and ie:
        return "Contribuinte isento não tem inscrição estadual: deixe vazio."
    return None


_NAO_DIGITO = re.compile(r"\D")


# --- domain exceptions -----------------------------------------------------------------


class ClienteDuplicado(Exception):
    """A unique constraint refused the save: another client has this document / external code."""

    def __init__(self, *, campo: str, existente: Cliente | None) -> None:
        self.campo = campo  # "documento" | "codigo_externo"
        self.existente = existente
        super().__init__(self.mensagem)

    @property
    def mensagem(self) -> str:
        if self.campo == "documento":
            return "Já existe um cliente com este CPF/CNPJ."
        return "Já existe um cliente com este código externo nesta origem."


class ConflitoDeVersao(Exception):
    """Someone saved the client after this form was opened (optimistic lock)."""

    def __init__(self, *, cliente: Cliente, ultima: UltimaAlteracao) -> None:
        self.cliente = cliente
        self.ultima = ultima
        super().__init__(f"Cliente {cliente.pk} alterado desde a versão editada.")


# --- helpers ---------------------------------------------------------------------------


@contextlib.contextmanager
def _contexto(ator: Usuario | None, origem: str) -> Iterator[None]:
    """pghistory metadata for the audit rows written inside (user + where the change came from).

    Inside a request the middleware's context is already open: this only adds to it.
    """
    metadados: dict[str, Any] = {"origem": origem}
    if ator is not None:
        metadados["user"] = ator.pk
    with pghistory.context(**metadados):
        yield


def _travar_cliente(cliente: Cliente) -> Cliente:
    """Serialise writes on one client (principal flags, version check) by locking its row."""
    return Cliente.objects.select_for_update().get(pk=cliente.pk)


def _campo(model: type[models.Model] | models.Model, nome: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(nome))


def _valor_comparavel(obj: models.Model, campo: str) -> Any:
    return getattr(obj, _campo(obj, campo).attname)


def _aplicar(obj: models.Model, dados: dict[str, Any], permitidos: tuple[str, ...]) -> None:
    desconhecidos = set(dados) - set(permitidos)
    if desconhecidos:
        raise TypeError(f"Campos não permitidos: {sorted(desconhecidos)}")
    for campo, valor in dados.items():
        setattr(obj, campo, valor)


def _rotulo(model: type[models.Model], campo: str) -> str:
    return str(_campo(model, campo).verbose_name)


def validar_dados_cliente(cliente: Cliente) -> None:
    """Normalise the document and derive tipo_pessoa from it; validate the cross-field rules.

    Raises ValidationError keyed by field, in pt-BR. Forms call it too (on an unsaved
    instance) so the person sees the same messages before anything is written.
    """
    erros: dict[str, str] = {}
    bruto = (cliente.documento or "").strip()
    if bruto:
        compacto = limpar(bruto)
        try:
            if cliente.estrangeiro and compacto.isdigit() and len(compacto) <= 11:
                erros["documento"] = "Estrangeiro não tem CPF: deixe o campo vazio."
            elif cliente.estrangeiro:
                # A foreign company may hold a Brazilian CNPJ (e.g. to own shares here).
                cliente.documento = validar_cnpj(bruto)
                cliente.tipo_pessoa = TipoPessoa.JURIDICA
            else:
                doc = validar_documento(bruto)
                cliente.documento = doc.numero
                cliente.tipo_pessoa = (
                    TipoPessoa.FISICA if doc.tipo == "CPF" else TipoPessoa.JURIDICA
                )
        except DocumentoInvalido as exc:
            erros["documento"] = exc.mensagem
    else:
        cliente.documento = None
        if not cliente.estrangeiro:
            erros["documento"] = "Informe o CPF ou o CNPJ (ou marque o cliente como estrangeiro)."
        elif cliente.tipo_pessoa not in TipoPessoa.values:
            erros["tipo_pessoa"] = (
                "Estrangeiro sem documento: informe se é pessoa física ou jurídica."
            )

    cliente.cnae = _NAO_DIGITO.sub("", cliente.cnae or "")
    if cliente.cnae:
        if "documento" in erros or "tipo_pessoa" in erros:
            pass  # the person type is unknown until the document is fixed
        elif cliente.tipo_pessoa != TipoPessoa.JURIDICA:
            erros["cnae"] = "CNAE só se aplica a pessoa jurídica."
        elif not _CNAE_RE.match(cliente.cnae):
            erros["cnae"] = "CNAE deve ter 7 dígitos (ex.: 4711-3/02)."

    cliente.inscricao_estadual = normalizar_ie(cliente.inscricao_estadual)
    erro = erro_ie(cliente.indicador_ie, cliente.inscricao_estadual)
    if erro:
        erros["inscricao_estadual"] = erro

    cliente.codigo_externo = (cliente.codigo_externo or "").strip()
    if cliente.codigo_externo and cliente.origem_id is None:
        erros["origem"] = "Informe a origem do código externo."

    if cliente.limite_credito is not None:
        if cliente.limite_credito < 0:
            erros["limite_credito"] = "O limite de crédito não pode ser negativo."
        else:
            cliente.limite_credito = arredondar(Decimal(cliente.limite_credito))
    if erros:
        raise ValidationError(erros)


def _verificar_carteira(cliente: Cliente, ator: Usuario | None, anterior_id: int | None) -> None:
    """A person may only put a client into a carteira they can see (keeping it is always fine)."""
    if ator is None or cliente.carteira_id is None or cliente.carteira_id == anterior_id:
        return
    if not Carteira.objects.visiveis_para(ator).filter(pk=cliente.carteira_id).exists():
        raise ValidationError({"carteira": "Você não pode colocar clientes nesta carteira."})


_RESTRICOES = {
    "cliente_documento_unico": "documento",
    "cliente_origem_codigo_externo_unico": "codigo_externo",
}


def _salvar_cliente(cliente: Cliente, **kwargs: Any) -> None:
    """Save inside a savepoint; a unique-constraint violation becomes `ClienteDuplicado`."""
    try:
        with transaction.atomic():
            cliente.save(**kwargs)
    except IntegrityError as exc:
        restricao = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        campo = _RESTRICOES.get(restricao or "")
        if campo is None:
            raise
        outros = Cliente.objects.exclude(pk=cliente.pk) if cliente.pk else Cliente.objects.all()
        if campo == "documento":
            existente = outros.filter(documento=cliente.documento).first()
        else:
            existente = outros.filter(
                origem=cliente.origem, codigo_externo=cliente.codigo_externo
            ).first()
        raise ClienteDuplicado(campo=campo, existente=existente) from exc


# --- the client ------------------------------------------------------------------------


@transaction.atomic
def cliente_criar(
    *, dados: dict[str, Any], ator: Usuario | None, origem: str = OrigemAlteracao.TELA
) -> Cliente:
    """Create a client from field values (model field names); writes the "criado" event."""
    with _contexto(ator, origem):
        cliente = Cliente()
        _aplicar(cliente, dados, CAMPOS_CLIENTE)
        validar_dados_cliente(cliente)
        _verificar_carteira(cliente, ator, anterior_id=None)
        _salvar_cliente(cliente)
        EventoCliente.registrar(
            cliente=cliente,
            tipo=TipoEventoCliente.CRIADO,
            ator=ator,
            descricao="Cadastro criado",
            dados={"origem": origem},
        )
    return cliente


@transaction.atomic
def cliente_atualizar(
    *,
    cliente: Cliente,
    dados: dict[str, Any],
    ator: Usuario | None,
    versao: int | None = None,
    origem: str = OrigemAlteracao.TELA,
) -> Cliente:
    """Change a client's fields. `versao` is the version the editor saw (None: no check).

    Writes an "alterado" event listing the changed fields; nothing (no event, no new version)
    when nothing changed. Raises ConflitoDeVersao, ClienteDuplicado or ValidationError.
    """
    with _contexto(ator, origem):
        atual = _travar_cliente(cliente)
        if versao is not None and atual.versao != versao:
            raise ConflitoDeVersao(cliente=atual, ultima=cliente_ultima_alteracao(atual))
        carteira_anterior = atual.carteira_id
        antes = {c: _valor_comparavel(atual, c) for c in CAMPOS_CLIENTE}
        _aplicar(atual, dados, CAMPOS_CLIENTE)
        validar_dados_cliente(atual)
        # compared after normalisation: "123.456.789-09" typed over 12345678909 is no change
        alterados = [c for c in CAMPOS_CLIENTE if _valor_comparavel(atual, c) != antes[c]]
        if not alterados:
            _copiar(atual, cliente)
            return cliente
        _verificar_carteira(atual, ator, anterior_id=carteira_anterior)
        atual.versao += 1
        _salvar_cliente(atual)
        rotulos = [_rotulo(Cliente, c) for c in alterados]
        EventoCliente.registrar(
            cliente=atual,
            tipo=TipoEventoCliente.ALTERADO,
            ator=ator,
            descricao=_truncar("Cadastro alterado: " + ", ".join(rotulos)),
            dados={"campos": alterados, "origem": origem, "versao": atual.versao},
        )
    _copiar(atual, cliente)
    return cliente


def _copiar(origem: Cliente, destino: Cliente) -> None:
    if origem is destino:
        return
    for field in Cliente._meta.concrete_fields:
        setattr(destino, field.attname, getattr(origem, field.attname))
    # cached related objects may now be stale
    destino._state.fields_cache.clear()


def _truncar(texto: str, limite: int = 255) -> str:
    return texto if len(texto) <= limite else texto[: limite - 1] + "…"


# --- sub-records -----------------------------------------------------------------------


def _garantir_do_cliente(obj: models.Model, cliente: Cliente) -> None:
    if obj.cliente_id != cliente.pk:  # type: ignore[attr-defined]
        raise ValueError("O registro não pertence a este cliente.")


def _salvar_filho(
    *,
    cliente: Cliente,
    obj: models.Model,
    dados: dict[str, Any],
    permitidos: tuple[str, ...],
    validar: Any = None,
) -> tuple[bool, list[str]]:
    """Apply and save a sub-record; returns (new?, changed fields)."""
    novo = obj.pk is None
    if novo:
        obj.cliente = cliente  # type: ignore[attr-defined]
    else:
        _garantir_do_cliente(obj, cliente)
    antes = {c: _valor_comparavel(obj, c) for c in permitidos}
    _aplicar(obj, dados, permitidos)
    if validar is not None:
        validar(obj)
    alterados = [c for c in permitidos if _valor_comparavel(obj, c) != antes[c]]
    if novo or alterados:
        obj.save()
    return novo, alterados


def _unico_principal(qs: models.QuerySet[Any], obj: models.Model) -> None:
    """Only one principal per client (per kind): the new principal demotes the others."""
    if getattr(obj, "principal", False):
        qs.exclude(pk=obj.pk).filter(principal=True).update(principal=False)


def _promover_principal(qs: models.QuerySet[Any]) -> None:
    """After removing the principal, the oldest remaining one becomes principal."""
    if qs.exists() and not qs.filter(principal=True).exists():
        primeiro = qs.order_by("criado_em", "pk").first()
        if primeiro is not None:
            qs.filter(pk=primeiro.pk).update(principal=True)


def _salvar_filho_principal(
    *,
    cliente: Cliente,
    obj: models.Model,
    dados: dict[str, Any],
    permitidos: tuple[str, ...],
    validar: Any,
    irmaos: Callable[[Any], models.QuerySet[Any]],
    tipo_evento: str,
    rotulo: Callable[[Any], str],
    ator: Usuario | None,
    origem: str,
) -> None:
    """Save a sub-record that has one principal per client (per kind, `irmaos(tipo)`).

    The first of its kind becomes principal; a new principal demotes the others; a principal
    turned off hands over to the oldest remaining one. Writes the event only when something
    changed. The caller holds `_contexto` and the client lock.
    """
    if obj.pk is None and not irmaos(dados.get("tipo", getattr(obj, "tipo", None))).exists():
        dados = {**dados, "principal": True}
    novo, alterados = _salvar_filho(
        cliente=cliente, obj=obj, dados=dados, permitidos=permitidos, validar=validar
    )
    if not novo and not alterados:
        return
    mesmo_tipo = irmaos(getattr(obj, "tipo", None))
    _unico_principal(mesmo_tipo, obj)
    if not obj.principal:  # type: ignore[attr-defined]
        _promover_principal(mesmo_tipo)
    _evento_filho(cliente, obj, tipo_evento, rotulo(obj), novo, alterados, ator, origem)


def _excluir_filho(
    *,
    obj: models.Model,
    tipo_evento: str,
    descrever: Callable[[Any], str],
    ator: Usuario | None,
    origem: str,
    irmaos: Callable[[Any], models.QuerySet[Any]] | None = None,
) -> None:
    """Delete a sub-record, promote a new principal among `irmaos(tipo)`, write the event."""
    cliente = obj.cliente  # type: ignore[attr-defined]
    with _contexto(ator, origem):
        _travar_cliente(cliente)
        descricao = descrever(obj)
        tipo = getattr(obj, "tipo", None)
        obj.delete()
        if irmaos is not None:
            _promover_principal(irmaos(tipo))
        EventoCliente.registrar(
            cliente=cliente,
            tipo=tipo_evento,
            ator=ator,
            descricao=_truncar(descricao),
            dados={"acao": "excluido", "origem": origem},
        )


def _validar_endereco(endereco: Endereco) -> None:
    erros = {}
    municipio = endereco.municipio if endereco.municipio_id is not None else None
    if municipio is not None and municipio.uf != endereco.uf:
        erros["municipio"] = (
            f"{municipio.nome} não pertence à UF {endereco.uf}: escolha um município "
            "da UF informada."
        )
    if not (endereco.logradouro or "").strip():
        erros["logradouro"] = "Informe o logradouro."
    if erros:
        raise ValidationError(erros)


@transaction.atomic
def endereco_salvar(
    *,
    cliente: Cliente,
    dados: dict[str, Any],
    ator: Usuario | None,
    endereco: Endereco | None = None,
    origem: str = OrigemAlteracao.TELA,
) -> Endereco:
    """Create (endereco=None) or change an address; the first address becomes principal."""
    obj = endereco or Endereco()
    with _contexto(ator, origem):
        _travar_cliente(cliente)
        _salvar_filho_principal(
            cliente=cliente,
            obj=obj,
            dados=dados,
            permitidos=CAMPOS_ENDERECO,
            validar=_validar_endereco,
            irmaos=lambda _tipo: cliente.enderecos.all(),
            tipo_evento=TipoEventoCliente.ENDERECO,
            rotulo=lambda _obj: "Endereço",
            ator=ator,
            origem=origem,
        )
    return obj


@transaction.atomic
def endereco_excluir(
    *, endereco: Endereco, ator: Usuario | None, origem: str = OrigemAlteracao.TELA
) -> None:
    _excluir_filho(
        obj=endereco,
        tipo_evento=TipoEventoCliente.ENDERECO,
        descrever=lambda obj: f"Endereço excluído: {obj}",
        ator=ator,
        origem=origem,
        irmaos=lambda _tipo: endereco.cliente.enderecos.all(),
    )


def _validar_telefone(telefone: Telefone) -> None:
    erros = {}
    if not re.fullmatch(r"[1-9]\d", telefone.ddd or ""):
        erros["ddd"] = "DDD inválido."
    if not re.fullmatch(r"\d{8,9}", telefone.numero or ""):
        erros["numero"] = "Número deve ter 8 ou 9 dígitos (sem o DDD)."
    if erros:
        raise ValidationError(erros)


@transaction.atomic
def telefone_salvar(
    *,
    cliente: Cliente,
    dados: dict[str, Any],
    ator: Usuario | None,
    telefone: Telefone | None = None,
    origem: str = OrigemAlteracao.TELA,
) -> Telefone:
    """Create or change a phone (`ddd` + `numero`, digits only); the first becomes principal."""
    obj = telefone or Telefone()
    with _contexto(ator, origem):
        _travar_cliente(cliente)
        _salvar_filho_principal(
            cliente=cliente,
            obj=obj,
            dados=dados,
            permitidos=CAMPOS_TELEFONE,
            validar=_validar_telefone,
            irmaos=lambda _tipo: cliente.telefones.all(),
            tipo_evento=TipoEventoCliente.TELEFONE,
            rotulo=lambda _obj: "Telefone",
            ator=ator,
            origem=origem,
        )
    return obj


@transaction.atomic
def telefone_excluir(
    *, telefone: Telefone, ator: Usuario | None, origem: str = OrigemAlteracao.TELA
) -> None:
    _excluir_filho(
        obj=telefone,
        tipo_evento=TipoEventoCliente.TELEFONE,
        descrever=lambda obj: f"Telefone excluído: {obj.formatado}",
        ator=ator,
        origem=origem,
        irmaos=lambda _tipo: telefone.cliente.telefones.all(),
    )


def _validar_contato_eletronico(contato: ContatoEletronico) -> None:
    if contato.tipo not in TipoContatoEletronico.values:
        raise ValidationError({"tipo": "Tipo de contato inválido."})
    if not (contato.valor or "").strip():
        raise ValidationError({"valor": "Informe o contato."})
    if contato.tipo == TipoContatoEletronico.EMAIL:
        contato.valor = contato.valor.strip().lower()


@transaction.atomic
def contato_eletronico_salvar(
    *,
    cliente: Cliente,
    dados: dict[str, Any],
    ator: Usuario | None,
    contato: ContatoEletronico | None = None,
    origem: str = OrigemAlteracao.TELA,
) -> ContatoEletronico:
    """E-mail (lower-case), site or WhatsApp; one principal per kind."""
    obj = contato or ContatoEletronico()
    with _contexto(ator, origem):
        _travar_cliente(cliente)
        _salvar_filho_principal(
            cliente=cliente,
            obj=obj,
            dados=dados,
            permitidos=CAMPOS_CONTATO_ELETRONICO,
            validar=_validar_contato_eletronico,
            irmaos=lambda tipo: cliente.contatos_eletronicos.filter(tipo=tipo),
            tipo_evento=TipoEventoCliente.CONTATO,
            rotulo=lambda obj: obj.get_tipo_display(),
            ator=ator,
            origem=origem,
        )
    return obj


@transaction.atomic
def contato_eletronico_excluir(
    *, contato: ContatoEletronico, ator: Usuario | None, origem: str = OrigemAlteracao.TELA
) -> None:
    _excluir_filho(
        obj=contato,
        tipo_evento=TipoEventoCliente.CONTATO,
        descrever=lambda obj: f"{obj.get_tipo_display()} excluído: {obj.valor}",
        ator=ator,
        origem=origem,
        irmaos=lambda tipo: contato.cliente.contatos_eletronicos.filter(tipo=tipo),
    )


def _validar_pessoa_contato(pessoa: PessoaContato) -> None:
    if not (pessoa.nome or "").strip():
        raise ValidationError({"nome": "Informe o nome."})
    pessoa.email = (pessoa.email or "").strip().lower()


@transaction.atomic
def pessoa_contato_salvar(
    *,
    cliente: Cliente,
    dados: dict[str, Any],
    ator: Usuario | None,
    pessoa: PessoaContato | None = None,
    origem: str = OrigemAlteracao.TELA,
) -> PessoaContato:
    with _contexto(ator, origem):
        _travar_cliente(cliente)
        obj = pessoa or PessoaContato()
        novo, alterados = _salvar_filho(
            cliente=cliente,
            obj=obj,
            dados=dados,
            permitidos=CAMPOS_PESSOA_CONTATO,
            validar=_validar_pessoa_contato,
        )
        if novo or alterados:
            _evento_filho(
                cliente,
                obj,
                TipoEventoCliente.CONTATO,
                "Pessoa de contato",
                novo,
                alterados,
                ator,
                origem,
            )
    return obj


@transaction.atomic
def pessoa_contato_excluir(
    *, pessoa: PessoaContato, ator: Usuario | None, origem: str = OrigemAlteracao.TELA
) -> None:
    _excluir_filho(
        obj=pessoa,
        tipo_evento=TipoEventoCliente.CONTATO,
        descrever=lambda obj: f"Pessoa de contato excluída: {obj.nome}",
        ator=ator,
        origem=origem,
    )


def _evento_filho(
    cliente: Cliente,
    obj: models.Model,
    tipo: str,
    rotulo: str,
    novo: bool,
    alterados: list[str],
    ator: Usuario | None,
    origem: str,
) -> None:
    acao = "incluído" if novo else "alterado"
    if rotulo == "Pessoa de contato":
        acao = "incluída" if novo else "alterada"
    dados: dict[str, Any] = {
        "acao": "incluido" if novo else "alterado",
        "id": obj.pk,
        "origem": origem,
    }
    if not novo:
        dados["campos"] = alterados
    EventoCliente.registrar(
        cliente=cliente,
        tipo=tipo,
        ator=ator,
        descricao=_truncar(f"{rotulo} {acao}: {obj}"),
        dados=dados,
    )


# --- consent ---------------------------------------------------------------------------


@transaction.atomic
def consentimento_registrar(
    *,
    cliente: Cliente,
    canal: str,
    concedido: bool,
    ator: Usuario | None,
    origem: str,
    observacao: str = "",
) -> EventoConsentimento:
    """Append a consent grant or revocation for one channel (LGPD).

    The log is append-only (a trigger refuses UPDATE/DELETE) and the current state per channel
    is its latest event, so the history answers "who, when, from where" for any request. A
    repeated grant is recorded too: it renews the date of the consent.
    """
    if canal not in CanalContato.values:
        raise ValidationError({"canal": "Canal de contato inválido."})
    if origem not in OrigemAlteracao.values:
        raise ValidationError({"origem": "Origem inválida."})
    with _contexto(ator, origem):
        evento = EventoConsentimento.objects.create(
            cliente=cliente,
            canal=canal,
            concedido=concedido,
            ator=ator,
            origem=origem,
            observacao=(observacao or "").strip()[:200],
        )
        rotulo_canal = CanalContato(canal).label
        EventoCliente.registrar(
            cliente=cliente,
            tipo=(
                TipoEventoCliente.CONSENTIMENTO_DADO
                if concedido
                else TipoEventoCliente.CONSENTIMENTO_REVOGADO
            ),
            ator=ator,
            descricao=(f"Consentimento {'concedido' if concedido else 'revogado'}: {rotulo_canal}"),
            dados={
                "canal": canal,
                "concedido": concedido,
                "origem": origem,
                "evento_consentimento": evento.pk,
            },
        )
    return evento
