"""Production settings pass `manage.py check --deploy` (HSTS, secure cookies, CSP…)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]


def test_check_deploy_limpo():
    # the e2e conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never has it
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
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


def test_nenhum_template_tem_javascript_inline():
    """CSP forbids inline JS; e2e runs with bypass_csp (Playwright's own evaluation needs it),
    so this is where inline scripts, on* handlers and hx-on (which evals) are caught."""
    import re

    padroes = [
        re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
        re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
        re.compile(r"\shx-on[:-]", re.IGNORECASE),
        re.compile(r"javascript:", re.IGNORECASE),
    ]
    achados = []
    for caminho in [*RAIZ.glob("templates/**/*.html"), *RAIZ.glob("*/templates/**/*.html")]:
        if ".venv" in caminho.parts:
            continue
        texto = caminho.read_text(encoding="utf-8")
        for padrao in padroes:
            for achado in padrao.finditer(texto):
                achados.append(f"{caminho.relative_to(RAIZ)}: {achado.group(0)}")
    assert not achados, "JavaScript inline (bloqueado pela CSP):\n" + "\n".join(achados)


def test_paginas_de_erro_em_portugues(client, db):
    from tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory(username="sem_papel"))
    proibido = client.get("/clientes/")
    assert proibido.status_code == 403
    assert "Você não tem permissão" in proibido.content.decode()
    client.force_login(UsuarioFactory(username="rep_erro", papel="Representante"))
    inexistente = client.get("/clientes/999999999/")
    assert inexistente.status_code == 404
    assert "Página não encontrada" in inexistente.content.decode()


def test_menu_marca_so_a_entrada_mais_especifica(client, db):
    from tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory(username="sup_menu", papel="Supervisor"))
    menu = client.get("/clientes/indicadores/").context["menu"]
    ativos = [item["rotulo"] for grupo in menu for item in grupo["itens"] if item["ativo"]]
    assert ativos == ["Indicadores de clientes"]
    assert [g["rotulo"] for g in menu if g["ativo"]] == ["Clientes"]


@pytest.mark.parametrize(
    ("papel", "modulos"),
    [
        ("Representante", ["Clientes", "Produtos", "Vendas", "Atendimento"]),
        ("Atendente SAC", ["Clientes", "Produtos", "Vendas", "Atendimento"]),
    ],
)
def test_menu_agrupa_as_telas_por_modulo_conforme_as_permissoes(client, db, papel, modulos):
    from tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory(username=f"menu_{papel[:3]}", papel=papel))
    resposta = client.get("/vendas/")
    menu = resposta.context["menu"]
    assert [g["rotulo"] for g in menu] == modulos
    telas = {g["rotulo"]: [i["rotulo"] for i in g["itens"]] for g in menu}
    # a rep does not see the approval queue, the targets or the rule matrices' import
    assert "Fila de aprovação" not in telas["Vendas"] and "Metas" not in telas["Vendas"]
    html = resposta.content.decode()
    assert '<details class="menu-grupo" data-ativo>' in html and "<summary>Vendas</summary>" in html


def test_ids_nos_templates_nao_ganham_separador_de_milhar():
    """USE_THOUSAND_SEPARATOR renders id 1507 as "1.507" (broken links, lookups, htmx
    targets). Ids in templates go through |stringformat:"d" (or {% url %}, which is safe)."""
    import re

    padrao = re.compile(r"\{\{\s*[\w.]+\.(pk|id)\s*\}\}")
    achados = []
    for caminho in RAIZ.glob("templates/**/*.html"):
        for numero, linha in enumerate(caminho.read_text(encoding="utf-8").splitlines(), 1):
            if padrao.search(linha):
                achados.append(f"{caminho.relative_to(RAIZ)}:{numero}: {linha.strip()}")
    assert not achados, "\n".join(achados)
