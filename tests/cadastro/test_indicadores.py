"""isoCadastro indicators: hand-computed figures, visibility, permissions, targets, queries.

The scenario (`base`) is small enough to compute every figure by hand; "now" is fixed at
15/03/2026 12:00 (São Paulo) with time-machine, so the default period is March 2026 and the
comparison period February 2026. Instants: 01/02 00:00, 01/03 00:00 and 01/04 00:00 (local).

Status history comes from the pghistory audit, whose timestamps Postgres writes with NOW()
(time-machine cannot move it, and inside a test every row shares the transaction's NOW()), so
the helpers below stamp the audit rows with the intended instants.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from cadastro import indicadores as ind
from cadastro.constants import CanalContato, Indicador
from cadastro.forms_indicadores import MetaIndicadorForm, PeriodoForm
from cadastro.models import (
    Cliente,
    ClienteEvent,
    EventoConsentimento,
    MetaIndicador,
    StatusCliente,
)
from crm.graficos import Item, barras_horizontais, colunas
from tests.factories import ClienteFactory, EmailFactory, EmpresaFactory, TelefoneFactory

SP = ZoneInfo("America/Sao_Paulo")
AGORA = dt.datetime(2026, 3, 15, 12, 0, tzinfo=SP)
HOJE = AGORA.date()
MARCO = ind.Periodo(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
FEVEREIRO = ind.Periodo(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
URL = "cadastro:indicadores"


def em(ano: int, mes: int, dia: int, hora: int = 10, minuto: int = 0) -> dt.datetime:
    return dt.datetime(ano, mes, dia, hora, minuto, tzinfo=SP)


@pytest.fixture(autouse=True)
def _sem_cache() -> Any:
    # The page caches figures per visibility SQL; an admin's SQL is the same in every test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agora() -> Any:
    with time_machine.travel(AGORA, tick=False):
        yield AGORA


# --- the scenario ------------------------------------------------------------------------------


@dataclass
class Base:
    clientes: dict[str, Cliente]
    ativo: StatusCliente
    inativo: StatusCliente


def _criar(quando: dt.datetime, **campos: Any) -> Cliente:
    with time_machine.travel(quando, tick=False):
        cliente = ClienteFactory(**campos)
    # the insert audit row carries the creation instant (see module docstring)
    ClienteEvent.objects.filter(pgh_obj=cliente).update(pgh_created_at=quando)
    return cliente


def _mudar_status(cliente: Cliente, status: StatusCliente, quando: dt.datetime) -> None:
    cliente.status = status
    cliente.save()
    ultimo = ClienteEvent.objects.filter(pgh_obj=cliente).latest("pgh_id")
    ClienteEvent.objects.filter(pgh_id=ultimo.pgh_id).update(pgh_created_at=quando)


def _consentir(cliente: Cliente, canal: str, concedido: bool, quando: dt.datetime) -> None:
    with time_machine.travel(quando, tick=False):
        EventoConsentimento.objects.create(
            cliente=cliente, canal=canal, concedido=concedido, origem="tela"
        )


@pytest.fixture
def base(pessoas: Any) -> Base:
    """8 clients: a1..a5 in carteira A (dono, supervisor's team), b1/b2 in B, s1 without one."""
    ativo = StatusCliente.objects.get_or_create(
        codigo="ATIVO", defaults={"descricao": "Ativo", "considera_ativo": True}
    )[0]
    inativo = StatusCliente.objects.create(
        codigo="INATIVO", descricao="Inativo", considera_ativo=False
    )
    especial = StatusCliente.objects.create(
        codigo="ESPEC", descricao="Especial", considera_ativo=True
    )
    a, b = pessoas.a, pessoas.b
    c = {
        "a1": _criar(em(2026, 1, 10), carteira=a, status=ativo, canal_preferido="email"),
        "a2": _criar(em(2026, 1, 20), carteira=a, status=ativo, canal_preferido="email"),
        "a3": _criar(em(2026, 2, 15), carteira=a, status=especial, canal_preferido="carta"),
        "a4": _criar(em(2026, 3, 10), carteira=a, status=inativo, canal_preferido=""),
        "a5": _criar(em(2026, 1, 5), carteira=a, status=ativo, canal_preferido="telefone"),
        "b1": _criar(em(2026, 1, 15), carteira=b, status=ativo, canal_preferido="sms_whatsapp"),
        # 00:30 on 01/03 local is still 28/02 in UTC: it must count in March
        "b2": _criar(em(2026, 3, 1, 0, 30), carteira=b, status=ativo, canal_preferido=""),
        # 23:30 on 28/02 local is already 01/03 in UTC: it must count in February
        "s1": _criar(em(2026, 2, 28, 23, 30), carteira=None, status=ativo, canal_preferido=""),
    }
    _mudar_status(c["a2"], inativo, em(2026, 3, 5))
    _mudar_status(c["a5"], inativo, em(2026, 2, 10))
    _mudar_status(c["a5"], ativo, em(2026, 3, 3))
    _mudar_status(c["b1"], inativo, em(2026, 3, 7))

    with time_machine.travel(em(2026, 1, 10), tick=False):
        EmailFactory(cliente=c["a1"])
    with time_machine.travel(em(2026, 3, 2), tick=False):
        EmailFactory(cliente=c["a3"])
    with time_machine.travel(em(2026, 2, 10), tick=False):
        TelefoneFactory(cliente=c["a1"])
    with time_machine.travel(em(2026, 1, 15), tick=False):
        TelefoneFactory(cliente=c["b1"])
        TelefoneFactory(cliente=c["b1"])  # two phones are still one client with phone

    carta, email = CanalContato.CARTA, CanalContato.EMAIL
    _consentir(c["a1"], email, True, em(2026, 1, 11))
    _consentir(c["a1"], carta, True, em(2026, 1, 11))
    _consentir(c["a1"], email, False, em(2026, 3, 4))
    _consentir(c["a3"], email, True, em(2026, 3, 2))
    _consentir(c["b1"], carta, True, em(2026, 2, 1, 0, 0))  # exactly at the instant: not before
    _consentir(c["a2"], carta, True, em(2026, 2, 20))
    _consentir(c["a2"], carta, False, em(2026, 2, 25))
    _consentir(c["a2"], carta, True, em(2026, 3, 6))
    _consentir(c["a4"], CanalContato.TELEFONE, True, em(2026, 3, 11))  # not a counted channel
    return Base(clientes=c, ativo=ativo, inativo=inativo)


def _visiveis(pessoas: Any, quem: str) -> Any:
    return Cliente.objects.visiveis_para(pessoas.usuarios[quem])


def _abrir(client: Any, **parametros: Any) -> Any:
    """The page with its figures in it (`calcular=1`: what the no-JavaScript link asks for)."""
    return client.get(reverse(URL), {"calcular": "1", **parametros})


# --- pure pieces -------------------------------------------------------------------------------


def test_periodo_anterior_de_meses_inteiros_e_de_dias() -> None:
    # given whole months, a quarter and an arbitrary range
    # then the comparison period is right before, with the same months or the same days
    assert MARCO.anterior() == FEVEREIRO
    trimestre = ind.Periodo(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert trimestre.anterior() == ind.Periodo(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    dez_dias = ind.Periodo(dt.date(2026, 3, 5), dt.date(2026, 3, 14))
    assert dez_dias.anterior() == ind.Periodo(dt.date(2026, 2, 23), dt.date(2026, 3, 4))
    assert ind.Periodo.meses(dt.date(2026, 1, 20), 3) == ind.Periodo(
        dt.date(2025, 11, 1), dt.date(2026, 1, 31)
    )


def test_periodo_instantes_no_fuso_da_empresa() -> None:
    assert MARCO.desde == dt.datetime(2026, 3, 1, tzinfo=SP)
    assert MARCO.ate == dt.datetime(2026, 4, 1, tzinfo=SP)
    assert MARCO.desde.utcoffset() == dt.timedelta(hours=-3)
    with pytest.raises(ValueError):
        ind.Periodo(dt.date(2026, 3, 2), dt.date(2026, 3, 1))


def test_percentual_arredonda_meio_para_cima_e_sem_base_nao_tem_valor() -> None:
    assert ind.percentual(1, 3) == Decimal("33.33")
    assert ind.percentual(2, 3) == Decimal("66.67")
    assert ind.percentual(1, 8) == Decimal("12.50")
    assert ind.percentual(5, 0) is None
    assert ind.variacao(0, 4) is None
    assert ind.variacao(4, 3) == Decimal("-25.00")


def test_graficos_calculam_geometria_proporcional() -> None:
    # given values 10 and 5
    grafico = barras_horizontais(
        [Item("A", 10, "10"), Item("B", 5, "5"), Item("C", None, "–")],
        titulo="t",
        descricao="d",
        largura=400,
        largura_rotulo=100,
        largura_texto=100,
    )
    # then the longest bar fills the area and the others are proportional; None is empty
    a, b, c = grafico.barras
    assert a.largura == 200 and b.largura == 100 and c.largura == 0
    assert a.x == 100 and a.texto_x == 306
    vertical = colunas(
        [Item("jan", Decimal("2"), "2%"), Item("fev", 0, "0%")], titulo="t", descricao="d"
    )
    assert vertical.barras[0].altura > 0 and vertical.barras[1].altura == 0
    assert vertical.barras[0].y + vertical.barras[0].altura == vertical.eixo_y
    assert barras_horizontais([], titulo="t", descricao="d").vazio
    assert colunas([Item("jan", None, "–")], titulo="t", descricao="d").vazio
    assert not colunas([Item("jan", 0, "0%")], titulo="t", descricao="d").vazio


def test_avaliacao_de_meta_ok_alerta_andamento_e_teto() -> None:
    def avaliar(indicador: str, meta: str, realizado: str | None, andamento: bool) -> Any:
        m = MetaIndicador(
            indicador=indicador,
            valor_meta=Decimal(meta),
            periodo_inicio=MARCO.inicio,
            periodo_fim=MARCO.fim,
        )
        valor = None if realizado is None else Decimal(realizado)
        return ind.Avaliacao(meta=m, realizado=valor, periodo=MARCO, em_andamento=andamento)

    atingida = avaliar(Indicador.CRESCIMENTO, "10", "12", andamento=True)
    assert (atingida.situacao, atingida.progresso) == ("ok", 100)
    assert avaliar(Indicador.CRESCIMENTO, "10", "4", andamento=True).situacao == "andamento"
    abaixo = avaliar(Indicador.CRESCIMENTO, "10", "4", andamento=False)
    assert (abaixo.situacao, abaixo.progresso) == ("alerta", 40)
    # churn is a ceiling: exceeding it is an alert even while the period runs
    assert avaliar(Indicador.CHURN, "5", "7", andamento=True).situacao == "alerta"
    assert avaliar(Indicador.CHURN, "5", "3", andamento=True).situacao == "ok"
    assert avaliar(Indicador.COM_EMAIL, "50", None, andamento=False).situacao == "alerta"


# --- figures (hand-computed) -------------------------------------------------------------------


def test_administrador_ve_a_base_inteira(base: Base, pessoas: Any, agora: Any) -> None:
    # when the admin's figures for March are computed
    dados = ind.calcular_indicadores(_visiveis(pessoas, "admin"), MARCO, hoje=HOJE)
    marco, fevereiro = dados.atual, dados.anterior
    # then the base: 4 before February, 6 before March (s1 at 28/02 23:30), 8 at the end
    assert (fevereiro.inicio.total, marco.inicio.total, marco.fim.total) == (4, 6, 8)
    assert marco.novos == 2 and marco.crescimento == Decimal("33.33")
    assert fevereiro.crescimento == Decimal("50.00")
    # active by the status *at each instant* (a5 inactive in February, back in March)
    assert (fevereiro.inicio.ativos, marco.inicio.ativos, marco.fim.ativos) == (4, 5, 5)
    assert marco.fim.pct_ativos == Decimal("62.50") and marco.fim.pct_inativos == Decimal("37.50")
    assert marco.inicio.pct_ativos == Decimal("83.33")
    # e-mail: a1 since January, a3 since 02/03; phone: a1 and b1 (two phones, one client)
    assert (marco.inicio.com_email, marco.fim.com_email) == (1, 2)
    assert marco.fim.pct_email == Decimal("25.00") and marco.inicio.pct_email == Decimal("16.67")
    assert (marco.inicio.com_telefone, marco.fim.com_telefone) == (2, 2)
    assert marco.fim.pct_telefone == Decimal("25.00")
    # consent as of each instant, from the latest event per client and channel
    carta, email = CanalContato.CARTA, CanalContato.EMAIL
    assert fevereiro.inicio.permissoes == {carta: 1, email: 1}
    assert marco.inicio.permissoes == {carta: 2, email: 1}
    assert marco.fim.permissoes == {carta: 3, email: 1}
    assert marco.crescimento_permissoes() == Decimal("33.33")
    assert marco.crescimento_permissoes(carta) == Decimal("50.00")
    assert marco.crescimento_permissoes(email) == Decimal("0.00")
    assert fevereiro.crescimento_permissoes() == Decimal("50.00")
    # churn: active on 01/03 = a1, a2, a3, b1, s1; inactive on 01/04 = a2, b1
    assert (marco.churn.ativos_inicio, marco.churn.perdidos, marco.churn.pct) == (
        5,
        2,
        Decimal("40.00"),
    )
    assert (fevereiro.churn.ativos_inicio, fevereiro.churn.perdidos) == (4, 1)


def test_churn_por_carteira_e_mapa_de_canais(base: Base, pessoas: Any, agora: Any) -> None:
    dados = ind.calcular_indicadores(_visiveis(pessoas, "admin"), MARCO, hoje=HOJE)
    por_carteira = {
        c.rotulo: (c.churn.ativos_inicio, c.churn.perdidos) for c in dados.churn_carteiras
    }
    assert por_carteira == {
        "Sem carteira": (1, 0),
        f"{pessoas.a.codigo} – Carteira A": (3, 1),
        f"{pessoas.b.codigo} – Carteira B": (1, 1),
    }
    pct = {c.rotulo: c.churn.pct for c in dados.churn_carteiras}
    assert pct[f"{pessoas.a.codigo} – Carteira A"] == Decimal("33.33")
    assert pct[f"{pessoas.b.codigo} – Carteira B"] == Decimal("100.00")
    canais = {f.canal: (f.quantidade, f.pct) for f in dados.canais}
    assert canais == {
        "email": (2, Decimal("25.00")),
        "carta": (1, Decimal("12.50")),
        "telefone": (1, Decimal("12.50")),
        "sms_whatsapp": (1, Decimal("12.50")),
        "": (3, Decimal("37.50")),
    }
    assert dados.canais[-1].rotulo == "Não informado"


def test_crescimento_mensal_dos_ultimos_doze_meses(base: Base, pessoas: Any, agora: Any) -> None:
    meses = ind.calcular_indicadores(_visiveis(pessoas, "admin"), MARCO, hoje=HOJE).meses
    assert len(meses) == 12
    assert meses[0].inicio == dt.date(2025, 4, 1) and meses[-1].inicio == dt.date(2026, 3, 1)
    janeiro, fevereiro, marco = meses[-3:]
    assert (janeiro.base_inicio, janeiro.novos, janeiro.crescimento) == (0, 4, None)
    assert (fevereiro.base_inicio, fevereiro.novos, fevereiro.crescimento) == (
        4,
        2,
        Decimal("50.00"),
    )
    assert (marco.base_inicio, marco.novos, marco.crescimento) == (6, 2, Decimal("33.33"))
    assert marco.parcial and not fevereiro.parcial


def test_supervisor_ve_so_a_sua_equipe_e_os_sem_carteira(
    base: Base, pessoas: Any, agora: Any
) -> None:
    # given the supervisor of dono's team (carteira A + clients without carteira)
    dados = ind.calcular_indicadores(_visiveis(pessoas, "supervisor"), MARCO, hoje=HOJE)
    marco = dados.atual
    # then carteira B (b1, b2) is nowhere in the figures
    assert (marco.inicio.total, marco.fim.total) == (5, 6)
    assert marco.crescimento == Decimal("20.00")
    assert marco.fim.ativos == 4 and marco.fim.pct_ativos == Decimal("66.67")
    assert (marco.churn.ativos_inicio, marco.churn.perdidos) == (4, 1)
    assert marco.fim.com_telefone == 1  # b1's phones are not counted
    assert marco.fim.permissoes == {CanalContato.CARTA: 2, CanalContato.EMAIL: 1}
    assert {c.carteira_id for c in dados.churn_carteiras} == {None, pessoas.a.pk}
    # and the other team's supervisor sees only carteira B
    outro = ind.calcular_indicadores(_visiveis(pessoas, "supervisor_outro"), MARCO, hoje=HOJE)
    assert outro.atual.fim.total == 3  # b1, b2 and s1 (clients without carteira)
    assert {c.carteira_id for c in outro.churn_carteiras} == {None, pessoas.b.pk}


def test_status_sem_historico_usa_o_status_atual(pessoas: Any, agora: Any) -> None:
    # given a client whose audit rows were never written (loaded with triggers off)
    cliente = _criar(em(2026, 1, 10), carteira=pessoas.a)
    ClienteEvent.objects.filter(pgh_obj=cliente).delete()
    # then every instant takes its current status (active) and there is no churn
    marco = ind.calcular_indicadores(_visiveis(pessoas, "admin"), MARCO, hoje=HOJE).atual
    assert (marco.inicio.ativos, marco.fim.ativos, marco.churn.perdidos) == (1, 1, 0)


def test_medir_periodo_de_uma_meta_bate_com_o_da_pagina(
    base: Base, pessoas: Any, agora: Any
) -> None:
    clientes = _visiveis(pessoas, "admin")
    pagina = ind.calcular_indicadores(clientes, MARCO, hoje=HOJE).atual
    assert ind.medir_periodo(clientes, MARCO) == pagina
    trimestre = ind.medir_periodo(clientes, ind.Periodo(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    assert (trimestre.inicio.total, trimestre.fim.total) == (0, 8)
    assert trimestre.crescimento is None  # no base at the start: no percentage


def test_base_vazia_nao_quebra(pessoas: Any, agora: Any) -> None:
    dados = ind.calcular_indicadores(_visiveis(pessoas, "dono"), MARCO, hoje=HOJE)
    assert dados.atual.fim.total == 0 and dados.atual.crescimento is None
    assert dados.atual.fim.pct_ativos is None and dados.churn_carteiras == ()


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("admin", 200), ("supervisor", 200), ("dono", 403), ("sac", 403)],
)
def test_pagina_exige_permissao(
    client: Any, pessoas: Any, agora: Any, quem: str, esperado: int
) -> None:
    client.force_login(pessoas.usuarios[quem])
    assert client.get(reverse(URL)).status_code == esperado


def test_pagina_pede_login(client: Any, db: Any) -> None:
    resposta = client.get(reverse(URL))
    assert resposta.status_code == 302 and "entrar" in resposta["Location"]


def test_pagina_do_supervisor_mostra_numeros_da_equipe(
    client: Any, base: Base, pessoas: Any, agora: Any
) -> None:
    # when the supervisor opens the page with no period chosen
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _abrir(client)
    # then the default period is March against February, with the team's figures
    assert resposta.context["periodo"] == MARCO and resposta.context["anterior"] == FEVEREIRO
    assert resposta.context["dados"].atual.fim.total == 6
    assert resposta.context["restrito"] is True
    html = resposta.content.decode()
    assert "Carteira A" in html and "Carteira B" not in html
    assert "Como é calculado" in html and "01/03/2026 a 31/03/2026" in html
    assert "<svg" in html and '<title id="grafico-canais-titulo">' in html
    # SVG coordinates must not be localized ("12,5" is not a number in SVG)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'width="' in svg and not any(f'="{n},' in svg for n in range(10))


def test_periodo_escolhido_e_periodo_invalido(
    client: Any, base: Base, pessoas: Any, agora: Any
) -> None:
    client.force_login(pessoas.usuarios["admin"])
    resposta = _abrir(client, inicio="01/02/2026", fim="28/02/2026")
    assert resposta.context["periodo"] == FEVEREIRO
    assert resposta.context["dados"].atual.fim.total == 6
    # an end before the start: the error shows and the default period is used
    resposta = _abrir(client, inicio="10/03/2026", fim="01/03/2026")
    assert resposta.status_code == 200
    assert resposta.context["periodo"] == MARCO
    assert "O fim do período não pode ser anterior ao início." in resposta.content.decode()


def test_pagina_nao_cresce_em_consultas(
    client: Any, base: Base, pessoas: Any, agora: Any, django_assert_max_num_queries: Any
) -> None:
    # given targets in force, one with its own period (measured once more: 2 queries)
    admin = pessoas.usuarios["admin"]
    for indicador in (Indicador.CRESCIMENTO, Indicador.COM_EMAIL):
        MetaIndicador.objects.create(
            empresa=admin.empresa, indicador=indicador, valor_meta=10,
            periodo_inicio=MARCO.inicio, periodo_fim=MARCO.fim,
        )  # fmt: skip
    MetaIndicador.objects.create(
        empresa=admin.empresa, indicador=Indicador.CHURN, valor_meta=5,
        periodo_inicio=dt.date(2026, 1, 1), periodo_fim=dt.date(2026, 12, 31),
    )  # fmt: skip
    client.force_login(admin)
    # the page itself computes nothing: session, user, 2 permission loads, targets in force,
    # the company's targets, the user's groups (header); the cache is in memory in tests
    with django_assert_max_num_queries(7):
        resposta = client.get(reverse(URL))
    assert resposta.context["painel_pronto"] is False
    assert 'hx-get="/clientes/indicadores/?inicio=01%2F03%2F2026' in resposta.content.decode()
    # its htmx request computes: 2 queries for the figures, 2 for the target with its own
    # period, on top of session, user, permissions and the targets
    with django_assert_max_num_queries(10) as contexto:
        resposta = client.get(reverse(URL), HTTP_HX_REQUEST="true")
    assert resposta.content.decode().lstrip().startswith('<div id="painel-indicadores">')
    assert resposta["Vary"] == "HX-Request" or "HX-Request" in resposta["Vary"]
    primeira = len(contexto.captured_queries)
    # more clients do not mean more queries
    for _ in range(5):
        _criar(em(2026, 3, 12), carteira=pessoas.b)
    cache.clear()
    with django_assert_max_num_queries(primeira):
        client.get(reverse(URL), HTTP_HX_REQUEST="true")
    # and once computed, the page comes with the figures, from the cache (as many queries as
    # the page without them)
    with django_assert_max_num_queries(7):
        resposta = client.get(reverse(URL))
    assert resposta.context["painel_pronto"] is True
    assert resposta.context["dados"].atual.fim.total == 13


def test_meta_aparece_com_progresso_medida_no_periodo_dela(
    client: Any, base: Base, pessoas: Any, agora: Any
) -> None:
    admin = pessoas.usuarios["admin"]
    # given a yearly churn ceiling of 30% and a March e-mail target of 50%
    MetaIndicador.objects.create(
        empresa=admin.empresa, indicador=Indicador.CHURN, valor_meta=Decimal("30"),
        periodo_inicio=dt.date(2026, 1, 1), periodo_fim=dt.date(2026, 12, 31),
    )  # fmt: skip
    MetaIndicador.objects.create(
        empresa=admin.empresa, indicador=Indicador.COM_EMAIL, valor_meta=Decimal("50"),
        periodo_inicio=MARCO.inicio, periodo_fim=MARCO.fim,
    )  # fmt: skip
    client.force_login(admin)
    cartoes = {c.indicador: c for c in _abrir(client).context["cartoes"]}
    email = cartoes[Indicador.COM_EMAIL].avaliacao
    assert email.realizado == Decimal("25.00") and email.progresso == 50
    assert email.situacao == "andamento"
    # the yearly churn is measured over 2026 (base from 01/01: nobody active then -> no figure)
    churn = cartoes[Indicador.CHURN].avaliacao
    assert churn.periodo == ind.Periodo(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert churn.realizado is None
    assert cartoes[Indicador.QUANTIDADE].avaliacao is None


def test_meta_de_outra_empresa_nao_aparece(
    client: Any, base: Base, pessoas: Any, agora: Any
) -> None:
    MetaIndicador.objects.create(
        empresa=EmpresaFactory(), indicador=Indicador.COM_EMAIL, valor_meta=50,
        periodo_inicio=MARCO.inicio, periodo_fim=MARCO.fim,
    )  # fmt: skip
    client.force_login(pessoas.usuarios["admin"])
    resposta = _abrir(client)
    assert all(c.avaliacao is None for c in resposta.context["cartoes"])
    assert list(resposta.context["metas_empresa"]) == []


# --- the target form ---------------------------------------------------------------------------


def _post_meta(client: Any, url: str | None = None, **campos: str) -> Any:
    dados = {
        "indicador": "crescimento",
        "valor_meta": "12,5",
        "periodo_inicio": "01/03/2026",
        "periodo_fim": "31/03/2026",
        "inicio": "01/03/2026",
        "fim": "31/03/2026",
    }
    dados.update(campos)
    return client.post(url or reverse("cadastro:meta-salvar"), dados)


def test_administrador_define_meta_com_decimal_brasileiro(
    client: Any, pessoas: Any, agora: Any
) -> None:
    admin = pessoas.usuarios["admin"]
    client.force_login(admin)
    resposta = _post_meta(client, indicador="quantidade", valor_meta="1.500")
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(reverse(URL) + "?inicio=01%2F03%2F2026")
    meta = MetaIndicador.objects.get()
    assert (meta.empresa, meta.indicador, meta.valor_meta) == (admin.empresa, "quantidade", 1500)
    # and edits it
    resposta = _post_meta(
        client, reverse("cadastro:meta-salvar", args=[meta.pk]), indicador="quantidade",
        valor_meta="1.600",
    )  # fmt: skip
    meta.refresh_from_db()
    assert resposta.status_code == 302 and meta.valor_meta == 1600


@pytest.mark.parametrize("quem", ["supervisor", "dono", "sac"])
def test_so_quem_tem_permissao_define_meta(
    client: Any, pessoas: Any, agora: Any, quem: str
) -> None:
    client.force_login(pessoas.usuarios[quem])
    assert _post_meta(client).status_code == 403
    assert not MetaIndicador.objects.exists()


def test_meta_de_outra_empresa_da_404_ao_editar(client: Any, pessoas: Any, agora: Any) -> None:
    alheia = MetaIndicador.objects.create(
        empresa=EmpresaFactory(), indicador=Indicador.COM_EMAIL, valor_meta=50,
        periodo_inicio=MARCO.inicio, periodo_fim=MARCO.fim,
    )  # fmt: skip
    client.force_login(pessoas.usuarios["admin"])
    assert _post_meta(client, reverse("cadastro:meta-salvar", args=[alheia.pk])).status_code == 404
    assert client.get(reverse(URL), {"editar": alheia.pk}).status_code == 404
    alheia.refresh_from_db()
    assert alheia.valor_meta == 50


def test_meta_recusada_mantem_o_que_foi_digitado(client: Any, pessoas: Any, agora: Any) -> None:
    client.force_login(pessoas.usuarios["admin"])
    # without htmx: the whole page again with the errors and the typed values
    resposta = _post_meta(
        client, valor_meta="12,5", periodo_inicio="10/03/2026", periodo_fim="01/03/2026"
    )
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert "O fim do período não pode ser anterior ao início." in html
    assert 'value="12,5"' in html and 'value="10/03/2026"' in html
    # with htmx: only the form partial
    resposta = client.post(
        reverse("cadastro:meta-salvar"),
        {"indicador": "ativos", "valor_meta": "120", "periodo_inicio": "01/03/2026",
         "periodo_fim": "31/03/2026"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = resposta.content.decode()
    assert html.lstrip().startswith('<form id="meta-form"')
    assert "Este indicador é um percentual: no máximo 100." in html
    assert not MetaIndicador.objects.exists()


def test_meta_salva_por_htmx_redireciona(client: Any, pessoas: Any, agora: Any) -> None:
    client.force_login(pessoas.usuarios["admin"])
    resposta = client.post(
        reverse("cadastro:meta-salvar"),
        {"indicador": "com_email", "valor_meta": "60", "periodo_inicio": "01/01/2026",
         "periodo_fim": "31/12/2026", "inicio": "01/03/2026", "fim": "31/03/2026"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert resposta.status_code == 200
    assert resposta["HX-Redirect"] == reverse(URL) + "?inicio=01%2F03%2F2026&fim=31%2F03%2F2026"


@pytest.mark.parametrize(
    ("campos", "erro"),
    [
        ({"valor_meta": "abc"}, "Informe um número (ex.: 12,5 ou 1.500)."),
        ({"valor_meta": "-1"}, "A meta não pode ser negativa."),
        ({"indicador": "quantidade", "valor_meta": "10,5"},
         "Quantidade de cadastros é um número inteiro."),
        ({"indicador": "churn", "valor_meta": "100,01"},
         "Este indicador é um percentual: no máximo 100."),
        ({"periodo_fim": "31/02/2026"}, "Informe uma data válida (dd/mm/aaaa)."),
        ({"periodo_inicio": "02/03/2026", "periodo_fim": "01/03/2026"},
         "O fim do período não pode ser anterior ao início."),
    ],
)  # fmt: skip
def test_validacao_do_formulario_de_meta(pessoas: Any, campos: dict[str, str], erro: str) -> None:
    dados = {"indicador": "crescimento", "valor_meta": "12,5", "periodo_inicio": "01/03/2026",
             "periodo_fim": "31/03/2026", **campos}  # fmt: skip
    form = MetaIndicadorForm(dados, empresa_id=pessoas.usuarios["admin"].empresa_id)
    assert not form.is_valid()
    assert erro in str(form.errors)


def test_metas_do_mesmo_indicador_nao_se_sobrepoem(pessoas: Any) -> None:
    empresa = pessoas.usuarios["admin"].empresa_id
    existente = MetaIndicador.objects.create(
        empresa_id=empresa, indicador=Indicador.CRESCIMENTO, valor_meta=10,
        periodo_inicio=dt.date(2026, 1, 1), periodo_fim=dt.date(2026, 6, 30),
    )  # fmt: skip
    dados = {"indicador": "crescimento", "valor_meta": "5", "periodo_inicio": "01/06/2026",
             "periodo_fim": "31/12/2026"}  # fmt: skip
    form = MetaIndicadorForm(dados, empresa_id=empresa)
    assert not form.is_valid()
    assert "01/01/2026 a 30/06/2026, que se sobrepõe" in str(form.non_field_errors())
    # another indicator, another company, or the same target being edited: fine
    assert MetaIndicadorForm({**dados, "indicador": "churn"}, empresa_id=empresa).is_valid()
    assert MetaIndicadorForm(dados, empresa_id=EmpresaFactory().pk).is_valid()
    assert MetaIndicadorForm(dados, instance=existente, empresa_id=empresa).is_valid()


def test_periodo_form_pede_os_dois_extremos() -> None:
    form = PeriodoForm({"inicio": "01/03/2026", "fim": ""})
    assert not form.is_valid() and "Informe o início e o fim do período." in str(form.errors)
    assert form.periodo(HOJE) == ind.periodo_padrao(HOJE)
    assert PeriodoForm({"inicio": "01/01/2000", "fim": "31/12/2026"}).errors["fim"] == [
        "O período pode ter no máximo 10 anos."
    ]


# --- export ------------------------------------------------------------------------------------


def test_exportar_excel_traz_a_tabela_de_indicadores(
    client: Any, base: Base, pessoas: Any, agora: Any
) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.get(reverse("cadastro:indicadores-exportar"))
    assert resposta.status_code == 200
    assert resposta["Content-Type"].startswith("application/vnd.openxmlformats")
    planilha = load_workbook(io.BytesIO(resposta.content)).active
    linhas = {linha[0]: linha for linha in planilha.iter_rows(min_row=2, values_only=True)}
    assert linhas["Quantidade de cadastros"][2] == 6
    assert linhas["% de crescimento da base"][2] == 20
    assert f"Churn: {pessoas.a.codigo} – Carteira A" in linhas
    assert not any("Carteira B" in str(chave) for chave in linhas)


@pytest.mark.parametrize("quem", ["dono", "sac"])
def test_exportar_exige_permissao(client: Any, pessoas: Any, quem: str) -> None:
    client.force_login(pessoas.usuarios[quem])
    assert client.get(reverse("cadastro:indicadores-exportar")).status_code == 403
