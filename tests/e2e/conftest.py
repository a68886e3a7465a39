"""Playwright (python) in Debian's Chromium against pytest-django's live_server.

Every test here is marked `e2e`. Screenshots go to E2E_SCREENSHOTS (default .run/screenshots)
so a human can look at them after a run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run while a
# loop is running unless told it's fine (the test thread is synchronous anyway).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASTA_SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ".run/screenshots"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def navegador() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium ausente em {CHROMIUM}: rode `make sistema`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        # Starting Playwright switched greenlets: `connections["default"]` may now be a fresh
        # object, and this session fixture is set up BEFORE the test's database fixture, so put
        # the serialized migrated data back on it (see tests/conftest.py).
        from tests.conftest import _repor_conteudo_serializado

        _repor_conteudo_serializado()
        yield browser
        browser.close()


@pytest.fixture
def pagina(navegador, live_server) -> Iterator[object]:
    contexto = navegador.new_context(
        locale="pt-BR",
        timezone_id="America/Sao_Paulo",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
        base_url=live_server.url,
        # Playwright's wait_for_function/expect poll with eval, which our CSP (script-src
        # 'self') blocks; tests/crm/test_deploy.py checks the templates for inline JS instead.
        bypass_csp=True,
    )
    # The live server shares 2 cores with the test process and Postgres: under a full-suite
    # load an htmx round trip has been seen to take over 15 s, so waits allow 45 s.
    contexto.set_default_timeout(45_000)
    page = contexto.new_page()
    erros: list[str] = []
    page.on("pageerror", lambda exc: erros.append(str(exc)))
    page.on(
        "console",
        lambda msg: erros.append(msg.text) if msg.type == "error" else None,
    )
    page.erros_js = erros  # type: ignore[attr-defined]
    yield page
    contexto.close()


@pytest.fixture
def screenshot():
    PASTA_SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def tirar(page, nome: str) -> Path:
        caminho = PASTA_SCREENSHOTS / f"{nome}.png"
        page.screenshot(path=str(caminho), full_page=True)
        return caminho

    return tirar


def entrar(page, usuario: str, senha: str = "senha-forte-123") -> None:
    page.goto("/contas/entrar/")
    page.fill("#id_username", usuario)
    page.fill("#id_password", senha)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/contas/entrar/" not in url)
