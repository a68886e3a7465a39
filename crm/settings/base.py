"""Settings shared by every environment. Every knob comes from the environment via crm.env."""

from __future__ import annotations

from pathlib import Path

from crm.env import env_bool, env_db, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-inseguro-troque-em-producao")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "crm",
    "contas",
    "cadastro",
    "importacoes",
    "produtos",
    "matrizes",
    "vendas",
    "atendimento",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
AUTH_USER_MODEL = "contas.Usuario"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navegacao",
            ],
            "builtins": ["crm.templatetags.formatos"],
        },
    }
]

DATABASES = {"default": env_db()}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# pgtrigger's trigger functions read the GUC `pgtrigger.ignore` inside an EXCEPTION block; when
# it is undefined every row raises and catches an error, which makes bulk writes in one
# transaction several times slower (20k rows: 5.6 s -> 1.1 s with this and a pghistory context).
# JIT compilation costs 0.3-0.5 s per aggregate query here and never pays back at our sizes.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c pgtrigger.ignore={} -c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process memory cache by default (counts, indicator figures); Redis when configured so
# that every web process shares it (docker-compose sets CACHE_REDIS_URL).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("CACHE_REDIS_URL", "") != "":
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_REDIS_URL"),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "contas:login"
LOGIN_REDIRECT_URL = "inicio"
LOGOUT_REDIRECT_URL = "contas:login"
# Login throttling: after this many failures for a username or an IP inside the window, refuse.
LOGIN_TENTATIVAS_MAXIMAS = env_int("LOGIN_TENTATIVAS_MAXIMAS", 5)
LOGIN_JANELA_SEGUNDOS = env_int("LOGIN_JANELA_SEGUNDOS", 900)

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)")]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["crm.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CRM <nao-responda@crm.local>")

# Celery: Redis when configured; `make run` falls back to kombu's filesystem transport.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 1700)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Named queues: long imports and PDF/recalculation jobs never wait behind each other.
CELERY_TASK_ROUTES = {
    "importacoes.*": {"queue": "importacoes"},
    "vendas.*": {"queue": "vendas"},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
# Periodic jobs (django-celery-beat syncs these into its tables).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "limpar-tentativas-login": {"task": "contas.limpar_tentativas_login", "schedule": 3600.0},
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _pasta = Path(env_str("CELERY_BROKER_FOLDER", str(BASE_DIR / ".run" / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_pasta),
        "data_folder_out": str(_pasta),
        "processed_folder": str(_pasta / "processados"),
        "store_processed": False,
    }

DJANGO_TABLES2_TEMPLATE = "includes/tabela.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "tabela"}

# Content-Security-Policy: scripts only from our own origin (no inline JS anywhere).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Imports
IMPORTACAO_TAMANHO_MAXIMO = env_int("IMPORTACAO_TAMANHO_MAXIMO", 50 * 1024 * 1024)
IMPORTACAO_TAMANHO_LOTE = env_int("IMPORTACAO_TAMANHO_LOTE", 5000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
