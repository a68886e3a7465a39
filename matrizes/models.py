"""As matrizes de regras que o pedido consulta (ICMS, IPI, ST, PIS/COFINS, alçada, frete…).

Uma só tabela guarda as regras de todas as matrizes. Cada regra casa com algumas dimensões
(colunas anuláveis: NULL = "qualquer valor") e tem uma vigência [início, fim] em datas,
inclusiva nas duas pontas. A pergunta "qual a alíquota de ICMS deste item, nesta data?" é
respondida pela regra vigente mais específica (a que preenche mais dimensões, todas casando);
ver `matrizes/fetch.py` e `docs/engine.md` ("Com as matrizes").

Versionamento: uma regra que já vigorou (início antes de hoje) nunca é alterada; editar cria
uma nova versão e encerra a anterior na véspera (`matrizes/services.py`), de modo que perguntar
com a data de um pedido antigo devolve as mesmas regras que ele usou.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from contas.constants import UFS
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from matrizes.constants import (
    DEFINICOES,
    DIMENSOES,
    DIMENSOES_FK,
    FAIXA,
    PERCENTUAL_DECIMAL_PLACES,
    PERCENTUAL_MAX_DIGITS,
    RESULTADOS,
    ROTULO_CURTO,
    ChaveRateioFrete,
    MetodoDifal,
    PapelAprovador,
    Regiao,
    TipoEventoRegra,
    TipoMatriz,
)
from produtos.constants import QTD_DECIMAL_PLACES, QTD_MAX_DIGITS

if TYPE_CHECKING:
    from contas.models import Usuario

validar_ncm = RegexValidator(r"^[0-9]{8}$", "O NCM tem 8 dígitos, sem pontos.")
validar_cest = RegexValidator(r"^[0-9]{7}$", "O CEST tem 7 dígitos, sem pontos.")
validar_cfop = RegexValidator(r"^[1-7][0-9]{3}$", "O CFOP tem 4 dígitos (p.ex. 5102).")
validar_codigo = RegexValidator(
    r"^[0-9A-Za-z_.\-/]+$", "Use só letras, números e . _ - / (sem espaços)."
)

CEM = Decimal("100")


def _percentual(nome: str, *, maximo: Decimal | None = CEM, **kwargs: Any) -> models.DecimalField:
    validadores: list[Any] = [MinValueValidator(Decimal("0"))]
    if maximo is not None:
        validadores.append(MaxValueValidator(maximo))
    return models.DecimalField(
        nome,
        max_digits=PERCENTUAL_MAX_DIGITS,
        decimal_places=PERCENTUAL_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=validadores,
        **kwargs,
    )


def _especificidade() -> Any:
    """Expressão SQL: quantas dimensões a regra preenche (para ordenar e filtrar a lista)."""
    partes = [
        Case(
            When(**{f"{d}__isnull": False}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for d in DIMENSOES
    ]
    soma: Any = partes[0]
    for parte in partes[1:]:
        soma = soma + parte
    return soma


class RegraQuerySet(models.QuerySet["Regra"]):
    def vigentes_em(self, data: dt.date) -> RegraQuerySet:
        return self.filter(Q(vigencia_fim__isnull=True) | Q(vigencia_fim__gte=data)).filter(
            vigencia_inicio__lte=data
        )

    def com_especificidade(self) -> RegraQuerySet:
        return self.annotate(especificidade_sql=_especificidade())

    def com_relacionados(self) -> RegraQuerySet:
        return self.select_related(
            "empresa",
            "produto",
            "linha",
            "tipo_cliente",
            "cliente",
            "representante",
            "unidade_venda",
        )

    def ordenadas_por_fim(self) -> RegraQuerySet:
        # Sem fim = vigência aberta: ordena como a data mais distante.
        return self.order_by(Coalesce("vigencia_fim", Value(dt.date.max)).desc())


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["atualizado_em"],
)
class Regra(models.Model):
    """Uma linha de uma matriz. Dimensões NULL casam com qualquer valor da pergunta.

    Os textos opcionais são NULL (e não "") de propósito (daí os noqa: DJ001): NULL é "qualquer
    valor"/"sem resultado", o mesmo que nas FKs e nos números, e a busca de candidatas filtra
    por `IS NULL` em todas as colunas do mesmo jeito.
    """

    matriz = models.CharField(max_length=30, choices=TipoMatriz.choices)

    # --- dimensões (NULL = qualquer) -----------------------------------------------------
    empresa = models.ForeignKey(
        "contas.Empresa", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uf_origem = models.CharField(  # noqa: DJ001
        "UF de origem", max_length=2, choices=UFS, null=True, blank=True
    )
    uf_destino = models.CharField(  # noqa: DJ001
        "UF de destino", max_length=2, choices=UFS, null=True, blank=True
    )
    regiao = models.CharField(  # noqa: DJ001
        "região de destino", max_length=2, choices=Regiao.choices, null=True, blank=True
    )
    ncm = models.CharField(  # noqa: DJ001
        "NCM", max_length=8, null=True, blank=True, validators=[validar_ncm]
    )
    cest = models.CharField(  # noqa: DJ001
        "CEST", max_length=7, null=True, blank=True, validators=[validar_cest]
    )
    produto = models.ForeignKey(
        "produtos.Produto", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linha = models.ForeignKey(
        "produtos.LinhaProduto",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="linha de produto",
    )
    tipo_cliente = models.ForeignKey(
        "cadastro.TipoCliente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tipo de cliente",
    )
    cliente = models.ForeignKey(
        "cadastro.Cliente", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contribuinte = models.BooleanField("contribuinte do ICMS", null=True, blank=True)
    consumidor_final = models.BooleanField("consumidor final", null=True, blank=True)
    condicao_pagamento = models.CharField(  # noqa: DJ001
        "condição de pagamento",
        max_length=20,
        null=True,
        blank=True,
        validators=[validar_codigo],
        help_text="Código da condição de pagamento (p.ex. 28DD).",
    )
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cfop = models.CharField(  # noqa: DJ001
        "operação (CFOP)", max_length=4, null=True, blank=True, validators=[validar_cfop]
    )
    cenario = models.CharField(  # noqa: DJ001
        "cenário", max_length=30, null=True, blank=True, validators=[validar_codigo]
    )

    # --- faixa de desconto (alçada, comissão): de exclusivo, até inclusivo -------------------
    percentual_de = _percentual("desconto acima de (%)", maximo=None)
    percentual_ate = _percentual("desconto até (%)", maximo=None)

    # --- resultados ----------------------------------------------------------------------
    aliquota = _percentual("alíquota (%)")
    reducao_base = _percentual("redução da base (%)")
    fcp = _percentual("FCP (%)")
    aliquota_interna_destino = _percentual("alíquota interna do destino (%)")
    metodo_difal = models.CharField(  # noqa: DJ001
        "método do DIFAL", max_length=12, choices=MetodoDifal.choices, null=True, blank=True
    )
    aplica_st = models.BooleanField("aplica ST", null=True, blank=True)
    mva = _percentual("MVA (%)", maximo=Decimal("1000"))
    ajustar_mva = models.BooleanField("ajustar MVA na interestadual", null=True, blank=True)
    aliquota_pis = _percentual("PIS (%)")
    aliquota_cofins = _percentual("COFINS (%)")
    valor = models.DecimalField(
        "valor (R$)",
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    percentual = models.DecimalField(
        "percentual (%)",
        max_digits=PERCENTUAL_MAX_DIGITS,
        decimal_places=PERCENTUAL_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(CEM)],
    )
    chave_rateio_frete = models.CharField(  # noqa: DJ001
        "rateio do frete",
        max_length=5,
        choices=ChaveRateioFrete.choices,
        null=True,
        blank=True,
    )
    nivel_alcada = models.PositiveSmallIntegerField("nível de alçada", null=True, blank=True)
    papel_aprovador = models.CharField(  # noqa: DJ001
        "aprovador", max_length=20, choices=PapelAprovador.choices, null=True, blank=True
    )
    cenario_atribuido = models.CharField(  # noqa: DJ001
        "cenário atribuído", max_length=30, null=True, blank=True, validators=[validar_codigo]
    )
    unidade_venda = models.ForeignKey(
        "produtos.Unidade",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="unidade de venda",
    )
    multiplo = models.DecimalField(
        "múltiplo de venda",
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    permitido = models.BooleanField("permitida", null=True, blank=True)

    # --- vigência e versão ---------------------------------------------------------------
    vigencia_inicio = models.DateField("vigente de")
    vigencia_fim = models.DateField(
        "vigente até", null=True, blank=True, help_text="Inclusive; vazio = sem fim."
    )
    versao = models.PositiveIntegerField("versão", default=1)
    versao_anterior = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxima_versao",
        verbose_name="versão anterior",
    )
    observacao = models.CharField(
        "observação", max_length=200, blank=True, help_text="Fundamento legal, protocolo, motivo…"
    )
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="criada por",
    )
    criado_em = models.DateTimeField("criada em", auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = RegraQuerySet.as_manager()

    class Meta:
        ordering = ["matriz", "-vigencia_inicio", "id"]
        verbose_name = "regra de matriz"
        verbose_name_plural = "regras de matriz"
        indexes = [
            models.Index(fields=["matriz", "vigencia_inicio"], name="regra_matriz_vigencia"),
            models.Index(fields=["ncm"], name="regra_ncm"),
            models.Index(fields=["uf_destino"], name="regra_uf_destino"),
        ]
        constraints = [
            # Fim = início − 1 é uma vigência vazia: a regra cancelada antes de vigorar.
            models.CheckConstraint(
                condition=Q(vigencia_fim__isnull=True)
                | Q(vigencia_fim__gte=F("vigencia_inicio") - dt.timedelta(days=1)),
                name="regra_vigencia_ordenada",
                violation_error_message="A vigência termina antes de começar.",
            ),
            models.CheckConstraint(
                condition=Q(percentual_de__isnull=True)
                | Q(percentual_ate__isnull=True)
                | Q(percentual_de__lt=F("percentual_ate")),
                name="regra_faixa_ordenada",
                violation_error_message="O início da faixa deve ser menor que o fim.",
            ),
            models.CheckConstraint(
                condition=Q(matriz__in=TipoMatriz.values), name="regra_matriz_valida"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_matriz_display()} #{self.pk} v{self.versao}"

    # --- leitura -------------------------------------------------------------------------

    @property
    def definicao(self) -> Any:
        return DEFINICOES[self.matriz]

    @property
    def especificidade(self) -> int:
        """Quantas dimensões a regra preenche: a regra vigente que casa com mais vence."""
        return sum(1 for d in DIMENSOES if self.valor_dimensao(d) is not None)

    def valor_dimensao(self, dimensao: str) -> Any:
        """Valor comparável da dimensão (pk para FKs), None = qualquer."""
        if dimensao in DIMENSOES_FK:
            return getattr(self, f"{dimensao}_id")
        return getattr(self, dimensao)

    def vigente_em(self, data: dt.date) -> bool:
        return self.vigencia_inicio <= data and (
            self.vigencia_fim is None or self.vigencia_fim >= data
        )

    def na_faixa(self, percentual: Any) -> bool:
        """Faixa (de, até]: o percentual sem arredondar; sem faixa casa com qualquer um."""
        if self.percentual_de is None and self.percentual_ate is None:
            return True
        if percentual is None:
            return False
        if self.percentual_de is not None and percentual <= self.percentual_de:
            return False
        return not (self.percentual_ate is not None and percentual > self.percentual_ate)

    def em_uso(self, hoje: dt.date) -> bool:
        """Já vigorou num dia anterior a hoje: pedidos antigos podem tê-la usado."""
        return self.vigencia_inicio < hoje

    @property
    def cancelada(self) -> bool:
        return self.vigencia_fim is not None and self.vigencia_fim < self.vigencia_inicio

    def situacao(self, hoje: dt.date) -> str:
        if self.cancelada:
            return "cancelada"
        if self.vigencia_inicio > hoje:
            return "futura"
        if self.vigencia_fim is not None and self.vigencia_fim < hoje:
            return "expirada"
        return "vigente"

    @property
    def autor(self) -> str:
        """Quem criou a regra; "Sistema" para cargas (demo, migração)."""
        return nome_usuario(self.criado_por)

    @property
    def situacao_hoje(self) -> str:
        return self.situacao(timezone.localdate())

    def dimensoes_preenchidas(self) -> list[tuple[str, str]]:
        """(rótulo, valor) das dimensões que a regra fixa, para telas e mensagens."""
        return [
            (rotulo_curto(d), rotulo_valor(self, d))
            for d in DIMENSOES
            if self.valor_dimensao(d) is not None
        ]

    def resultados_preenchidos(self) -> list[tuple[str, str]]:
        campos = [*FAIXA, *self.definicao.resultados]
        return [
            (rotulo_curto(c), rotulo_valor(self, c)) for c in campos if getattr(self, c) is not None
        ]

    @property
    def matriz_curta(self) -> str:
        return ROTULO_CURTO.get(self.matriz, self.matriz)

    # --- validação -----------------------------------------------------------------------

    def full_clean(
        self,
        exclude: Any = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        # Campos que já falharam no formulário chegam em `exclude`: clean() não repete um
        # segundo erro para eles ("Obrigatório nesta matriz" depois de "campo obrigatório").
        self._nao_validar = set(exclude or ())
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        finally:
            self._nao_validar = set()

    def clean(self) -> None:
        """Cada matriz aceita só as suas dimensões e exige os seus resultados."""
        if self.matriz not in DEFINICOES:
            raise ValidationError({"matriz": "Escolha uma matriz válida."})
        definicao = DEFINICOES[self.matriz]
        erros: dict[str, str] = {}
        nome = self.get_matriz_display()
        for dimensao in DIMENSOES:
            if dimensao not in definicao.dimensoes and self.valor_dimensao(dimensao) is not None:
                erros[dimensao] = f"A {nome} não usa esta dimensão."
        for campo in RESULTADOS:
            if campo not in definicao.resultados and _preenchido(self, campo):
                erros[campo] = f"A {nome} não usa este campo."
        if not definicao.faixa:
            for campo in FAIXA:
                if getattr(self, campo) is not None:
                    erros[campo] = f"A {nome} não usa faixa de desconto."
        if self.matriz == TipoMatriz.ICMS_ST:
            if self.aplica_st is None:
                self.aplica_st = True
            if self.ajustar_mva is None:
                self.ajustar_mva = False
            if self.aplica_st and self.mva is None:
                erros["mva"] = "Informe a MVA (a regra aplica ST)."
        for campo in definicao.obrigatorios:
            if getattr(self, campo) is None and campo not in erros:
                erros[campo] = "Obrigatório nesta matriz."
        if definicao.um_de and all(getattr(self, c) is None for c in definicao.um_de):
            rotulos = " ou ".join(rotulo_campo(c) for c in definicao.um_de)
            erros[definicao.um_de[0]] = f"Informe {rotulos}."
        if (
            self.percentual_de is not None
            and self.percentual_ate is not None
            and self.percentual_de >= self.percentual_ate
        ):
            erros["percentual_ate"] = "O fim da faixa deve ser maior que o início."
        if self.vigencia_inicio and self.vigencia_fim and self.vigencia_fim < self.vigencia_inicio:
            erros["vigencia_fim"] = "A vigência termina antes de começar."
        ignorar: set[str] = getattr(self, "_nao_validar", set())
        erros = {campo: msg for campo, msg in erros.items() if campo not in ignorar}
        if erros:
            raise ValidationError(erros)


def rotulo_campo(campo: str) -> str:
    """verbose_name de uma coluna da regra (para mensagens e telas)."""
    return str(getattr(Regra._meta.get_field(campo), "verbose_name", campo))


def nome_usuario(usuario: Any) -> str:
    if usuario is None:
        return "Sistema"
    return str(usuario.get_full_name() or usuario.username)


def rotulo_curto(campo: str) -> str:
    """Rótulo do campo sem a unidade ("alíquota (%)" → "alíquota"): o valor já traz % ou R$."""
    rotulo = rotulo_campo(campo)
    for sufixo in (" (%)", " (R$)"):
        rotulo = rotulo.removesuffix(sufixo)
    return rotulo


def _preenchido(regra: Regra, campo: str) -> bool:
    valor = getattr(regra, f"{campo}_id" if campo == "unidade_venda" else campo)
    return valor is not None


def rotulo_valor(regra: Regra, campo: str) -> str:
    """Valor de uma coluna como o usuário o lê (código, Sim/Não, 18 %, R$ 1.234,56)."""
    valor = getattr(regra, campo)
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "Sim" if valor else "Não"
    if isinstance(valor, dt.date):
        return valor.strftime("%d/%m/%Y")
    if campo in {"empresa", "uf_origem", "uf_destino"}:
        return str(valor)
    if campo in {"produto", "linha", "tipo_cliente", "unidade_venda"}:
        return str(valor.codigo)
    if campo == "cliente":
        return str(valor.nome)
    if campo == "representante":
        return str(valor.get_full_name() or valor.username)
    escolhas = getattr(regra._meta.get_field(campo), "choices", None)
    if escolhas:
        return str(dict(escolhas).get(valor, valor))
    if isinstance(valor, Decimal):
        texto = _decimal_br(valor)
        if campo == "valor":
            return f"R$ {_decimal_br(valor, minimo_casas=2)}"
        if campo in {"multiplo", "nivel_alcada"}:
            return texto
        return f"{texto} %"
    return str(valor)


def sem_zeros(valor: Decimal) -> Decimal:
    """12.0000 → 12, 1.6500 → 1.65 (sem notação científica: 20 não vira 2E+1)."""
    if valor == valor.to_integral_value():
        return valor.quantize(Decimal(1))
    return valor.normalize()


def _decimal_br(valor: Decimal, minimo_casas: int = 0) -> str:
    """1234.5000 → "1.234,5" (sem zeros à direita, com `minimo_casas` casas no mínimo)."""
    normalizado = valor.normalize()
    if normalizado == normalizado.to_integral():
        normalizado = normalizado.quantize(Decimal(1))
    expoente = -int(normalizado.as_tuple().exponent)  # type: ignore[operator]
    casas = max(expoente, minimo_casas)
    texto = f"{valor:,.{casas}f}"
    return texto.replace(",", "X").replace(".", ",").replace("X", ".")


class EventoRegra(models.Model):
    """O que aconteceu com uma regra, e quem fez (append-only; o diff campo a campo está no
    pghistory)."""

    regra = models.ForeignKey(Regra, on_delete=models.PROTECT, related_name="eventos")
    tipo = models.CharField(max_length=20, choices=TipoEventoRegra.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento de regra"
        indexes = [models.Index(fields=["regra", "quando"], name="evento_regra_quando")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} ({self.regra_id})"

    @property
    def autor(self) -> str:
        return nome_usuario(self.ator)

    @classmethod
    def registrar(
        cls, *, regra: Regra, tipo: str, ator: Usuario | None, dados: dict[str, Any] | None = None
    ) -> EventoRegra:
        return cls.objects.create(regra=regra, tipo=tipo, ator=ator, dados=dados or {})
