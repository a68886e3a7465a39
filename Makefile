# The two commands: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACOTES := chromium fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: run test sistema deps lint clean-db

$(VENV)/.instalado: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

deps: $(VENV)/.instalado

# System packages (Chromium for e2e, Pango/HarfBuzz + fonts for WeasyPrint), only when missing.
sistema:
	@missing=""; for p in $(APT_PACOTES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "[crm] instalando pacotes do sistema:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: deps sistema
	$(PY) scripts/ambiente.py run

test: deps sistema
	$(PY) scripts/ambiente.py test $(ARGS)

lint: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/x} $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/x} $(PY) -m mypy crm contas cadastro produtos matrizes importacoes vendas atendimento

clean-db:
	rm -rf .pgdata .run
