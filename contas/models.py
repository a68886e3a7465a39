"""Users, teams, companies and parameters (FoccoCRM: parameters per company and per user)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models

from contas.constants import UFS, Papel, RegimeTributario
from crm.documentos import DocumentoInvalido, formatar_documento, validar_cnpj

LOGO_TAMANHO_MAXIMO = 2 * 1024 * 1024


def _caminho_logo(instancia: Empresa, nome: str) -> str:
    return f"contas/logos/{uuid.uuid4().hex}{Path(nome).suffix.lower()}"


class Empresa(models.Model):
    nome = models.CharField("razão social", max_length=150)
    nome_fantasia = models.CharField(max_length=150, blank=True)
    cnpj = models.CharField("CNPJ", max_length=14, unique=True)
    uf = models.CharField("UF", max_length=2, choices=UFS)
    regime_tributario = models.CharField(
        "regime tributário", max_length=12, choices=RegimeTributario.choices
    )
    ativa = models.BooleanField(default=True)
    # Printed on the proposal and the sales map (vendas/pdf.py). PNG or JPEG only: the PDF
    # renderer inlines it, and an SVG could make WeasyPrint fetch files or URLs it names.
    logo = models.ImageField(
        "logotipo",
        upload_to=_caminho_logo,
        max_length=255,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text="PNG ou JPEG, até 2 MB: cabeçalho da proposta e do mapa.",
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = "empresa"

    def __str__(self) -> str:
        return self.nome_fantasia or self.nome

    @property
    def cnpj_formatado(self) -> str:
        return formatar_documento(self.cnpj)

    def clean(self) -> None:
        try:
            self.cnpj = validar_cnpj(self.cnpj)
        except DocumentoInvalido as exc:
            raise ValidationError({"cnpj": exc.mensagem}) from exc
        if self.logo and getattr(self.logo, "size", 0) > LOGO_TAMANHO_MAXIMO:
            raise ValidationError({"logo": "O logotipo excede o tamanho máximo de 2 MB."})


class Equipe(models.Model):
    """A supervisor heads a team of reps and sees every carteira of its members."""

    nome = models.CharField(max_length=80, unique=True)
    supervisor = models.ForeignKey(
        "contas.Usuario", on_delete=models.PROTECT, related_name="equipes_supervisionadas"
    )

    class Meta:
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome


class Usuario(AbstractUser):
    empresa = models.ForeignKey(
        Empresa, on_delete=models.PROTECT, null=True, blank=True, related_name="usuarios"
    )
    equipe = models.ForeignKey(
        Equipe, on_delete=models.SET_NULL, null=True, blank=True, related_name="membros"
    )

    class Meta:
        ordering = ["first_name", "username"]
        verbose_name = "usuário"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def tem_papel(self, papel: Papel) -> bool:
        return self.groups.filter(name=papel).exists()


class Parametro(models.Model):
    """A parameter value for a company, optionally overridden for one user.

    Resolution order: user → company → default declared in contas.parametros.
    """

    empresa = models.ForeignKey(Empresa, on_delete=models.CASCADE, related_name="parametros")
    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, null=True, blank=True, related_name="parametros"
    )
    chave = models.CharField(max_length=60)
    valor = models.JSONField()
    atualizado_em = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["empresa", "chave"],
                condition=models.Q(usuario__isnull=True),
                name="parametro_empresa_unico",
            ),
            models.UniqueConstraint(
                fields=["empresa", "usuario", "chave"], name="parametro_usuario_unico"
            ),
        ]
        verbose_name = "parâmetro"

    def __str__(self) -> str:
        return f"{self.chave}={self.valor!r}"

    def valor_python(self) -> Any:
        return self.valor


class TentativaLogin(models.Model):
    """Failed logins, for throttling (by username and by IP). Old rows are pruned by a task."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    quando = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "tentativa de login"

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip} {self.quando:%d/%m/%Y %H:%M}"
