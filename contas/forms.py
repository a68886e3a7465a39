from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from contas import services


class LoginForm(AuthenticationForm):
    """Django's login form, throttled. Unknown user and wrong password get the same message."""

    error_messages = {
        "invalid_login": "Usuário ou senha incorretos.",
        "inactive": "Usuário ou senha incorretos.",
        "throttled": ("Muitas tentativas de acesso. Aguarde alguns minutos e tente novamente."),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        ip = services.ip_da_requisicao(self.request) if self.request else None
        if services.login_bloqueado(username=username, ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            services.login_falhou(username=username, ip=ip)
            raise
