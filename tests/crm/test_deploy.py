"""Production settings pass `manage.py check --deploy` (HSTS, secure cookies, CSP…)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]


def test_check_deploy_limpo():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 30 + "-chave-de-teste-longa-e-aleatoria-0123456789",
        "DJANGO_ALLOWED_HOSTS": "crm.exemplo.com.br",
    }
    resultado = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "no issues" in resultado.stdout


def test_csp_proibe_script_inline(client):
    resposta = client.get("/contas/entrar/")
    politica = resposta.headers["Content-Security-Policy"]
    assert "script-src 'self'" in politica
    assert "unsafe-inline" not in politica.split("script-src")[1].split(";")[0]
    assert "<script>" not in resposta.content.decode()
