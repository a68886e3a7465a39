from celery import shared_task

from contas.services import tentativas_limpar


@shared_task(name="contas.limpar_tentativas_login")
def limpar_tentativas_login() -> int:
    """Prune failed-login rows older than two days (the throttling window is minutes)."""
    return tentativas_limpar(dias=2)
