"""Parameters resolve user → company → declared default (FoccoCRM)."""

from __future__ import annotations

import pytest

from contas.models import Parametro
from contas.parametros import parametro
from tests.factories import EmpresaFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def test_usuario_sobrepoe_empresa_que_sobrepoe_o_padrao():
    # given a company and two of its users
    empresa = EmpresaFactory()
    maria = UsuarioFactory(username="maria", empresa=empresa)
    joao = UsuarioFactory(username="joao", empresa=empresa)
    # then with nothing set, the declared default answers
    assert parametro("itens_por_pagina", usuario=maria) == 25
    # when the company sets 50, every user gets 50
    Parametro.objects.create(empresa=empresa, chave="itens_por_pagina", valor=50)
    assert parametro("itens_por_pagina", usuario=maria) == 50
    # when Maria sets 100 for herself, only she gets it
    Parametro.objects.create(empresa=empresa, usuario=maria, chave="itens_por_pagina", valor=100)
    assert parametro("itens_por_pagina", usuario=maria) == 100
    assert parametro("itens_por_pagina", usuario=joao) == 50


def test_parametro_desconhecido_e_erro_claro():
    with pytest.raises(KeyError, match="Parâmetro desconhecido"):
        parametro("nao_existe")
