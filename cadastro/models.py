"""isoCadastro: the single client record and everything hanging off it.

Visibility (who sees which client) lives in ONE place: `ClienteQuerySet.visiveis_para`.
Models compute; services (cadastro/services.py) write multi-model changes and their events.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from cadastro.constants import (
    CanalContato,
    EspecieTitulo,
    Indicador,
    IndicadorIE,
    Operadora,
    OrigemAlteracao,
    Sexo,
    SituacaoTitulo,
    TipoContatoEletronico,
    TipoEndereco,
    TipoEventoCliente,
    TipoPessoa,
    TipoTelefone,
)
from contas.constants import UFS
from crm.documentos import formatar_cep, formatar_documento, formatar_fone
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

if TYPE_CHECKING:
    from contas.models import Usuario


# --- auxiliary registries (maintained in the Django admin) -------------------------------


class RegistroAuxiliar(models.Model):
    codigo = models.CharField("código", max_length=20, unique=True)
    descricao = models.CharField("descrição", max_length=100)
    ativo = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["descricao"]

    def __str__(self) -> str:
        return self.descricao


class TipoCliente(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de cliente"
        verbose_name_plural = "tipos de cliente"


class StatusCliente(RegistroAuxiliar):
    considera_ativo = models.BooleanField(
        "conta como ativo", default=True, help_text="Entra no indicador de cadastros ativos."
    )

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "status de cliente"
        verbose_name_plural = "status de cliente"


class SituacaoSCPC(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "situação SCPC"
        verbose_name_plural = "situações SCPC"


class CategoriaFiscal(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "categoria fiscal"
        verbose_name_plural = "categorias fiscais"


class Origem(RegistroAuxiliar):
    """Which system a record came from (ERP, e-commerce, planilha…).

    The external code is unique within one origin.
    """

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "origem"
        verbose_name_plural = "origens"


class TipoContato(RegistroAuxiliar):
    """Role of a contact person: comprador, vendas, secretária, financeiro…"""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de contato"
        verbose_name_plural = "tipos de contato"


class LocalFaturamento(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "local de faturamento"
        verbose_name_plural = "locais de faturamento"


class Armazem(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "armazém"
        verbose_name_plural = "armazéns"


class TabelaVenda(RegistroAuxiliar):
    local_faturamento = models.ForeignKey(
        LocalFaturamento, on_delete=models.PROTECT, null=True, blank=True
    )
    armazem = models.ForeignKey(
        Armazem, on_delete=models.PROTECT, null=True, blank=True, verbose_name="armazém"
    )

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tabela de venda"
        verbose_name_plural = "tabelas de venda"


# --- geography -------------------------------------------------------------------------


class Municipio(models.Model):
    codigo_ibge = models.PositiveIntegerField("código IBGE", primary_key=True)
    nome = models.CharField(max_length=80)
    uf = models.CharField("UF", max_length=2, choices=UFS)
    capital = models.BooleanField(default=False)

    class Meta:
        ordering = ["uf", "nome"]
        verbose_name = "município"
        indexes = [models.Index(fields=["uf", "nome"])]

    def __str__(self) -> str:
        return f"{self.nome}/{self.uf}"


class FaixaCep(models.Model):
    """CEP ranges (Correios) → UF and, when known, the municipality."""

    cep_inicio = models.CharField(max_length=8)
    cep_fim = models.CharField(max_length=8)
    uf = models.CharField("UF", max_length=2, choices=UFS)
    municipio = models.ForeignKey(Municipio, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["cep_inicio", "cep_fim"])]
        verbose_name = "faixa de CEP"
        verbose_name_plural = "faixas de CEP"

    def __str__(self) -> str:
        return f"{formatar_cep(self.cep_inicio)}–{formatar_cep(self.cep_fim)} {self.uf}"


class Cep(models.Model):
    """Local street-level CEP table (loaded from a Correios extract when the company has one)."""

    cep = models.CharField("CEP", max_length=8, primary_key=True)
    logradouro = models.CharField(max_length=150, blank=True)
    bairro = models.CharField(max_length=80, blank=True)
    municipio = models.ForeignKey(Municipio, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "CEP"

    def __str__(self) -> str:
        return formatar_cep(self.cep)


# --- portfolios ------------------------------------------------------------------------


class CarteiraQuerySet(models.QuerySet["Carteira"]):
    def visiveis_para(self, user: Usuario) -> CarteiraQuerySet:
        """A rep sees own carteiras; a supervisor those of the reps of teams they head."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("cadastro.ver_todas_carteiras"):
            return self
        return self.filter(Q(representante=user) | Q(representante__equipe__supervisor=user))


class Carteira(models.Model):
    codigo = models.CharField("código", max_length=20, unique=True)
    nome = models.CharField(max_length=100)
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="carteiras"
    )
    ativa = models.BooleanField(default=True)
    criado_em = models.DateTimeField(auto_now_add=True)

    objects = CarteiraQuerySet.as_manager()

    class Meta:
        ordering = ["nome"]
        permissions = [("ver_todas_carteiras", "Ver todas as carteiras")]

    def __str__(self) -> str:
        return f"{self.codigo} – {self.nome}"


# --- the client ------------------------------------------------------------------------


class ClienteQuerySet(models.QuerySet["Cliente"]):
    def visiveis_para(self, user: Usuario) -> ClienteQuerySet:
        """Clients this user may see. Every list, detail, form, export, search starts here.

        - ver_todos_clientes (Administrador): everything;
        - ver_clientes_com_carteira (Atendente SAC): every client that has a carteira;
        - ver_clientes_sem_carteira (Supervisor): also clients without a carteira;
        - everybody else: clients of the carteiras they own or supervise.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("cadastro.ver_todos_clientes"):
            return self
        if user.has_perm("cadastro.ver_clientes_com_carteira"):
            regra = Q(carteira__isnull=False)
        else:
            # A literal id list, not a subquery: with a subquery the planner underestimates
            # the rows, scans carteira by carteira and sorts everything after a keyset cursor
            # (deep page of a rep at 1M clients: 460 ms → 8 ms). A rep has a handful of ids.
            carteiras = list(Carteira.objects.visiveis_para(user).values_list("pk", flat=True))
            regra = Q(carteira__in=carteiras)
        if user.has_perm("cadastro.ver_clientes_sem_carteira"):
            regra |= Q(carteira__isnull=True)
        return self.filter(regra)

    def com_consentimento(self, canal: str) -> ClienteQuerySet:
        """Clients whose latest consent event for `canal` is a grant (derived state)."""
        ultimo = (
            EventoConsentimento.objects.filter(cliente=OuterRef("pk"), canal=canal)
            .order_by("-quando", "-pk")
            .values("concedido")[:1]
        )
        return self.annotate(**{f"consente_{canal}": Subquery(ultimo)}).filter(
            **{f"consente_{canal}": True}
        )

    def com_email(self) -> ClienteQuerySet:
        return self.filter(
            Exists(
                ContatoEletronico.objects.filter(
                    cliente=OuterRef("pk"), tipo=TipoContatoEletronico.EMAIL
                )
            )
        )


DOCUMENTO_CPF_RE = r"^[0-9]{11}$"
DOCUMENTO_CNPJ_RE = r"^[0-9A-Z]{12}[0-9]{2}$"


_Registro = TypeVar("_Registro", bound=models.Model)


class PeloClienteQuerySet(models.QuerySet[_Registro]):
    """Base of the querysets of what hangs off a client (orders, contracts, opportunities):
    visible exactly when its client is (`ClienteQuerySet.visiveis_para`), to who holds
    `permissao_ver`. SPEC: "a rep never sees … that client's orders". Each model names its
    permission; the rule itself lives only here."""

    permissao_ver: ClassVar[str]

    def visiveis_para(self, user: Usuario) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(self.permissao_ver):
            return self.none()
        if user.is_superuser or user.has_perm("cadastro.ver_todos_clientes"):
            return self
        return self.filter(cliente__in=Cliente.objects.visiveis_para(user).values("pk"))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["atualizado_em", "versao"],
    # indicators ask "which clients changed since <date>" (status at a date, churn)
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="clienteevent_quando")]},
)
class Cliente(models.Model):
    tipo_pessoa = models.CharField("tipo de pessoa", max_length=1, choices=TipoPessoa.choices)
    # NULL (not "") for foreigners without a document: the partial unique index skips NULLs.
    documento = models.CharField(  # noqa: DJ001
        "CPF/CNPJ", max_length=14, null=True, blank=True, help_text="Sem máscara."
    )
    estrangeiro = models.BooleanField(default=False)
    tipo_cliente = models.ForeignKey(
        TipoCliente, on_delete=models.PROTECT, verbose_name="tipo de cliente"
    )
    codigo_externo = models.CharField("código externo", max_length=40, blank=True)
    origem = models.ForeignKey(
        Origem, on_delete=models.PROTECT, null=True, blank=True, verbose_name="origem"
    )
    nome = models.CharField("nome / razão social", max_length=150)
    nome_fantasia = models.CharField("nome fantasia", max_length=150, blank=True)
    data_nascimento = models.DateField("data de nascimento / fundação", null=True, blank=True)
    sexo = models.CharField(max_length=1, choices=Sexo.choices, blank=True)
    profissao = models.CharField("profissão / atividade", max_length=80, blank=True)
    time_futebol = models.CharField("time", max_length=60, blank=True)
    tamanho_calcado = models.PositiveSmallIntegerField("tamanho do calçado", null=True, blank=True)
    conjuge_nascimento = models.DateField("aniversário do cônjuge", null=True, blank=True)
    status = models.ForeignKey(StatusCliente, on_delete=models.PROTECT)
    situacao_scpc = models.ForeignKey(
        SituacaoSCPC, on_delete=models.PROTECT, null=True, blank=True, verbose_name="situação SCPC"
    )
    cnae = models.CharField("CNAE", max_length=7, blank=True)
    indicador_ie = models.CharField(
        "indicador da IE",
        max_length=1,
        choices=IndicadorIE.choices,
        default=IndicadorIE.NAO_CONTRIBUINTE,
        help_text="Define se o cliente é contribuinte do ICMS (indIEDest da NF-e).",
    )
    inscricao_estadual = models.CharField("inscrição estadual", max_length=20, blank=True)
    consumidor_final = models.BooleanField(
        "consumidor final",
        default=True,
        help_text="Compra para uso e consumo (não para revenda/industrialização).",
    )
    categoria_fiscal = models.ForeignKey(
        CategoriaFiscal, on_delete=models.PROTECT, null=True, blank=True
    )
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clientes_responsavel",
        verbose_name="representante responsável",
    )
    carteira = models.ForeignKey(
        Carteira, on_delete=models.PROTECT, null=True, blank=True, related_name="clientes"
    )
    tabela_venda = models.ForeignKey(
        TabelaVenda, on_delete=models.PROTECT, null=True, blank=True, verbose_name="tabela de venda"
    )
    limite_credito = models.DecimalField(
        "limite de crédito",
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    convenio = models.CharField("convênio", max_length=60, blank=True)
    crediario = models.BooleanField("crediário", default=False)
    credito_rotativo = models.BooleanField("crédito rotativo", default=False)
    canal_preferido = models.CharField(
        "canal preferido", max_length=20, choices=CanalContato.choices, blank=True
    )
    observacoes = models.TextField("observações", blank=True)
    versao = models.PositiveIntegerField(default=1)
    criado_em = models.DateTimeField(auto_now_add=True)  # indexed with id (cliente_criado_id)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = ClienteQuerySet.as_manager()

    class Meta:
        ordering = ["nome", "id"]
        permissions = [
            ("ver_todos_clientes", "Ver todos os clientes"),
            ("ver_clientes_com_carteira", "Ver clientes de todas as carteiras"),
            ("ver_clientes_sem_carteira", "Ver clientes sem carteira"),
            ("exportar_clientes", "Exportar clientes"),
            ("ver_indicadores_cadastro", "Ver indicadores do isoCadastro"),
            ("importar_clientes", "Importar clientes"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["documento"],
                condition=Q(documento__isnull=False),
                name="cliente_documento_unico",
                violation_error_message="Já existe um cliente com este CPF/CNPJ.",
            ),
            models.UniqueConstraint(
                fields=["origem", "codigo_externo"],
                condition=~Q(codigo_externo=""),
                name="cliente_origem_codigo_externo_unico",
                violation_error_message=(
                    "Já existe um cliente com este código externo nesta origem."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    (Q(tipo_pessoa="F") & Q(documento__regex=DOCUMENTO_CPF_RE))
                    | (Q(tipo_pessoa="J") & Q(documento__regex=DOCUMENTO_CNPJ_RE))
                    | (Q(estrangeiro=True) & Q(documento__isnull=True))
                ),
                name="cliente_documento_normalizado",
                violation_error_message="CPF/CNPJ inválido para o tipo de pessoa.",
            ),
        ]
        indexes = [
            models.Index(fields=["carteira", "nome", "id"], name="cliente_carteira_nome"),
            models.Index(fields=["nome", "id"], name="cliente_nome_id"),
            models.Index(fields=["criado_em", "id"], name="cliente_criado_id"),
            models.Index(fields=["tipo_pessoa", "id"], name="cliente_pessoa_id"),
            # Prefix search (documento LIKE 'x%') under a linguistic collation (en_US.utf8 in
            # the official postgres image) needs the pattern opclass to use an index.
            models.Index(
                fields=["documento"],
                name="cliente_documento_prefixo",
                opclasses=["varchar_pattern_ops"],
                condition=Q(documento__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.nome

    @property
    def documento_formatado(self) -> str:
        return formatar_documento(self.documento)

    @property
    def contribuinte_icms(self) -> bool:
        return self.indicador_ie == IndicadorIE.CONTRIBUINTE

    @property
    def tipo_documento(self) -> str:
        if self.documento is None:
            return "Estrangeiro"
        return "CPF" if self.tipo_pessoa == TipoPessoa.FISICA else "CNPJ"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Endereco(models.Model):
    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, related_name="enderecos")
    tipo = models.CharField(max_length=12, choices=TipoEndereco.choices)
    cep = models.CharField("CEP", max_length=8, blank=True)
    logradouro = models.CharField(max_length=150)
    numero = models.CharField("número", max_length=20, blank=True)
    complemento = models.CharField(max_length=80, blank=True)
    bairro = models.CharField(max_length=80, blank=True)
    municipio = models.ForeignKey(
        Municipio, on_delete=models.PROTECT, null=True, blank=True, verbose_name="município"
    )
    uf = models.CharField("UF", max_length=2, choices=UFS)
    principal = models.BooleanField(default=False)
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-principal", "id"]
        verbose_name = "endereço"

    def __str__(self) -> str:
        partes = [self.logradouro, self.numero, self.complemento, self.bairro]
        texto = ", ".join(p for p in partes if p)
        cidade = self.municipio.nome if self.municipio_id and self.municipio else ""
        return f"{texto} – {cidade}/{self.uf} {formatar_cep(self.cep)}".strip()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Telefone(models.Model):
    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, related_name="telefones")
    tipo = models.CharField(max_length=12, choices=TipoTelefone.choices)
    ddd = models.CharField("DDD", max_length=2)
    numero = models.CharField("número", max_length=9, help_text="Sem DDD, só dígitos.")
    operadora = models.CharField(max_length=10, choices=Operadora.choices, blank=True)
    whatsapp = models.BooleanField("tem WhatsApp", default=False)
    principal = models.BooleanField(default=False)
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-principal", "id"]
        indexes = [
            models.Index(fields=["numero"], name="telefone_numero"),
        ]

    def __str__(self) -> str:
        return formatar_fone(self.ddd + self.numero)

    @property
    def formatado(self) -> str:
        return formatar_fone(self.ddd + self.numero)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ContatoEletronico(models.Model):
    cliente = models.ForeignKey(
        Cliente, on_delete=models.CASCADE, related_name="contatos_eletronicos"
    )
    tipo = models.CharField(max_length=10, choices=TipoContatoEletronico.choices)
    valor = models.CharField(max_length=200, help_text="E-mails em minúsculas.")
    principal = models.BooleanField(default=False)
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tipo", "-principal", "id"]
        verbose_name = "contato eletrônico"
        verbose_name_plural = "contatos eletrônicos"
        indexes = [
            models.Index(fields=["valor"], name="contato_eletronico_valor"),
            models.Index(
                fields=["valor"], name="contato_valor_prefixo", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.valor


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PessoaContato(models.Model):
    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, related_name="pessoas_contato")
    nome = models.CharField(max_length=120)
    tipo = models.ForeignKey(TipoContato, on_delete=models.PROTECT, verbose_name="tipo de contato")
    cargo = models.CharField(max_length=80, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telefone = models.CharField(max_length=11, blank=True, help_text="DDD + número, só dígitos.")
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = "pessoa de contato"
        verbose_name_plural = "pessoas de contato"

    def __str__(self) -> str:
        return self.nome


class EventoConsentimento(models.Model):
    """Append-only consent log (LGPD): a trigger refuses UPDATE and DELETE.

    The current state per channel is the latest event; nothing else stores it.
    """

    cliente = models.ForeignKey(
        Cliente, on_delete=models.PROTECT, related_name="eventos_consentimento"
    )
    canal = models.CharField(max_length=20, choices=CanalContato.choices)
    concedido = models.BooleanField()
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    origem = models.CharField(max_length=12, choices=OrigemAlteracao.choices)
    observacao = models.CharField("observação", max_length=200, blank=True)
    quando = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento de consentimento"
        indexes = [models.Index(fields=["cliente", "canal", "-quando"], name="consent_cli_canal")]
        triggers = [
            pgtrigger.Protect(
                name="consentimento_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        acao = "concedeu" if self.concedido else "revogou"
        return f"{self.cliente_id} {acao} {self.get_canal_display()}"


class EventoCliente(models.Model):
    """A business event on the client's timeline (created, changed, consent, import, order…)."""

    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="eventos")
    tipo = models.CharField(max_length=30, choices=TipoEventoCliente.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    quando = models.DateTimeField(auto_now_add=True)
    descricao = models.CharField("descrição", max_length=255)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento do cliente"
        verbose_name_plural = "eventos do cliente"
        indexes = [models.Index(fields=["cliente", "-quando"], name="evento_cliente_quando")]

    def __str__(self) -> str:
        return self.descricao

    @classmethod
    def registrar(
        cls,
        *,
        cliente: Cliente,
        tipo: str,
        ator: Usuario | None,
        descricao: str,
        dados: dict[str, Any] | None = None,
    ) -> EventoCliente:
        return cls.objects.create(
            cliente=cliente, tipo=tipo, ator=ator, descricao=descricao, dados=dados or {}
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MetaIndicador(models.Model):
    """A company's target for one isoCadastro indicator over a period."""

    empresa = models.ForeignKey("contas.Empresa", on_delete=models.CASCADE)
    indicador = models.CharField(max_length=20, choices=Indicador.choices)
    valor_meta = models.DecimalField("meta", max_digits=12, decimal_places=2)
    periodo_inicio = models.DateField("início do período")
    periodo_fim = models.DateField("fim do período")

    class Meta:
        ordering = ["indicador", "-periodo_inicio"]
        verbose_name = "meta de indicador"
        verbose_name_plural = "metas de indicadores"
        constraints = [
            models.CheckConstraint(
                condition=Q(periodo_fim__gte=models.F("periodo_inicio")),
                name="meta_periodo_valido",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_indicador_display()}: {self.valor_meta}"


# --- receivables (títulos a receber) ------------------------------------------------------


class TituloReceberQuerySet(models.QuerySet["TituloReceber"]):
    """Receivables are read through their client: `cliente_obter(user=...)` is the visibility
    check, and every read starts from `TituloReceber.objects.do_cliente(cliente)`."""

    def do_cliente(self, cliente: Cliente) -> TituloReceberQuerySet:
        return self.filter(cliente=cliente)

    def em_aberto(self) -> TituloReceberQuerySet:
        """A balance left to receive (what the partial index `titulo_aberto` covers)."""
        return self.filter(valor_pago__lt=F("valor"))

    def vencidos(self, hoje: dt.date) -> TituloReceberQuerySet:
        return self.em_aberto().filter(vencimento__lt=hoje)

    def pagos(self) -> TituloReceberQuerySet:
        return self.filter(valor_pago__gte=F("valor"))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TituloReceber(models.Model):
    """A receivable of a client, as the ERP reports it (the CRM stores and shows, never bills).

    The situação (aberto, parcial, vencido, pago) is DERIVED, not stored: "vencido" changes
    with the calendar, not with any write, so a stored value would need a nightly job to stay
    true and would be wrong between its runs; the import writes in bulk with raw SQL, which
    would have to repeat the rule. The amounts and dates answer it exactly, and the summary
    aggregates filter on the same conditions in SQL (`TituloReceberQuerySet`).

    Rule (one place: `situacao_em`): fully paid (valor_pago ≥ valor) → pago; otherwise past
    due → vencido (even when partly paid: what matters for credit is the overdue balance);
    otherwise partly paid → parcial; otherwise aberto.
    """

    # No FK indexes of their own: (empresa, documento, parcela) and (cliente, vencimento) lead
    # with them.
    empresa = models.ForeignKey(
        "contas.Empresa", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cliente = models.ForeignKey(
        Cliente, on_delete=models.PROTECT, related_name="titulos", db_index=False
    )
    # A string reference: vendas imports cadastro, cadastro never imports vendas.
    pedido = models.ForeignKey(
        "vendas.Pedido",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="titulos",
        verbose_name="pedido",
    )
    documento = models.CharField("número do documento", max_length=30)
    parcela = models.CharField(
        max_length=10, blank=True, help_text="Como o ERP numera: 1, 2/3, A… Vazio: parcela única."
    )
    especie = models.CharField(
        "espécie", max_length=12, choices=EspecieTitulo.choices, default=EspecieTitulo.DUPLICATA
    )
    emissao = models.DateField("emissão")
    vencimento = models.DateField()
    valor = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    valor_pago = models.DecimalField(
        "valor pago",
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=Decimal("0.00"),
    )
    pago_em = models.DateField(
        "data de pagamento", null=True, blank=True, help_text="Data do último pagamento."
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = TituloReceberQuerySet.as_manager()

    class Meta:
        ordering = ["vencimento", "documento", "parcela", "id"]
        verbose_name = "título a receber"
        verbose_name_plural = "títulos a receber"
        permissions = [
            ("exportar_titulos", "Exportar títulos a receber"),
            ("importar_titulos", "Importar títulos a receber"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["empresa", "documento", "parcela"],
                name="titulo_documento_parcela_unico",
                violation_error_message="Já existe um título com este documento e parcela.",
            ),
            models.CheckConstraint(condition=Q(valor__gt=0), name="titulo_valor_positivo"),
            models.CheckConstraint(
                condition=Q(valor_pago__gte=0), name="titulo_valor_pago_nao_negativo"
            ),
            models.CheckConstraint(
                condition=Q(vencimento__gte=F("emissao")), name="titulo_vencimento_apos_emissao"
            ),
        ]
        indexes = [
            models.Index(fields=["cliente", "vencimento"], name="titulo_cliente_vencimento"),
            # Open titles are few next to the paid history: the summary, the "em aberto" and
            # "vencidos" filters and the segmentation's "days late" read only these.
            models.Index(
                fields=["cliente", "vencimento"],
                name="titulo_aberto",
                condition=Q(valor_pago__lt=F("valor")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.documento}/{self.parcela}" if self.parcela else self.documento

    @property
    def saldo(self) -> Decimal:
        """What is left to receive (never negative: an overpayment leaves nothing open)."""
        return max(self.valor - self.valor_pago, Decimal("0.00"))

    def situacao_em(self, hoje: dt.date) -> SituacaoTitulo:
        if self.valor_pago >= self.valor:
            return SituacaoTitulo.PAGO
        if self.vencimento < hoje:
            return SituacaoTitulo.VENCIDO
        if self.valor_pago > 0:
            return SituacaoTitulo.PARCIAL
        return SituacaoTitulo.ABERTO

    @property
    def situacao(self) -> SituacaoTitulo:
        return self.situacao_em(timezone.localdate())

    def dias_atraso_em(self, hoje: dt.date) -> int:
        """Days past due of an open title; 0 when paid or not yet due."""
        if self.valor_pago >= self.valor or self.vencimento >= hoje:
            return 0
        return (hoje - self.vencimento).days

    @property
    def dias_atraso(self) -> int:
        return self.dias_atraso_em(timezone.localdate())

    @property
    def dias_atraso_pagamento(self) -> int | None:
        """Days between due date and payment of a paid title (negative: paid early)."""
        if self.pago_em is None or self.valor_pago < self.valor:
            return None
        return (self.pago_em - self.vencimento).days
