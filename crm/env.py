"""The one place settings read the environment. Bad values fail loudly at start-up."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()


def env_str(name: str, default: str | None = None) -> str:
    value = _env.str(name, default=default)
    if value is None:
        raise ImproperlyConfigured(f"Defina a variável de ambiente {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = _env.str(name, default=None)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on", "sim"}:
        return True
    if lowered in {"0", "false", "no", "off", "nao", "não", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} não é um booleano (use true/false).")


def env_int(name: str, default: int) -> int:
    raw = _env.str(name, default=None)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} não é um inteiro.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _env.str(name, default=None)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_db(name: str = "DATABASE_URL") -> dict[str, Any]:
    raw = _env.str(name, default=None)
    if not raw:
        raise ImproperlyConfigured(
            "DATABASE_URL não definida. Use `make run` (que sobe um Postgres embutido) "
            "ou exporte DATABASE_URL=postgres://usuario@host:5432/banco."
        )
    config = environ.Env.db_url_config(raw)
    if "postgresql" not in config["ENGINE"]:
        raise ImproperlyConfigured("Somente PostgreSQL é suportado (triggers, trigram, COPY).")
    return config
