"""Login throttling: failures are counted per username and per IP within a sliding window."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from contas.models import TentativaLogin


def ip_da_requisicao(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def login_bloqueado(*, username: str, ip: str | None) -> bool:
    desde = timezone.now() - timedelta(seconds=settings.LOGIN_JANELA_SEGUNDOS)
    filtro = Q(username__iexact=username) if username else Q(pk__in=[])
    por_usuario = TentativaLogin.objects.filter(filtro, quando__gte=desde).count()
    if por_usuario >= settings.LOGIN_TENTATIVAS_MAXIMAS:
        return True
    if ip:
        # An IP gets more room than a username (offices share one IP behind NAT).
        por_ip = TentativaLogin.objects.filter(ip=ip, quando__gte=desde).count()
        return por_ip >= settings.LOGIN_TENTATIVAS_MAXIMAS * 4
    return False


def login_falhou(*, username: str, ip: str | None) -> None:
    TentativaLogin.objects.create(username=username[:150], ip=ip)


def tentativas_limpar(*, dias: int = 2) -> int:
    apagadas, _ = TentativaLogin.objects.filter(
        quando__lt=timezone.now() - timedelta(days=dias)
    ).delete()
    return apagadas
