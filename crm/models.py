"""Shared abstract models (no tables of their own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AnexoBase(models.Model):
    """An uploaded file hanging off a record (a product, an order): what was sent, by whom and
    when. Each concrete model adds its parent ForeignKey and declares `arquivo` with its own
    `upload_to`; the file itself is checked by `crm.arquivos.verificar_anexo`."""

    arquivo = models.FileField(max_length=255)
    descricao = models.CharField("descrição", max_length=120, blank=True)
    nome_original = models.CharField(max_length=255)
    tamanho = models.PositiveIntegerField()
    tipo_conteudo = models.CharField("tipo", max_length=100)
    enviado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    enviado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.descricao or self.nome_original
