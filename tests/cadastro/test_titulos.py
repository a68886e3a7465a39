"""Receivables (títulos a receber): the derived situação, the summary to the cent, the client's
Financeiro tab and its export — and who may see them.

The people (tests/conftest.py `pessoas`): dono owns carteira A, colega owns B (other team),
supervisor heads dono's team, sac sees clients of every carteira, admin all.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadastro import selectors
from cadastro.constants import FiltroTitulos, SituacaoTitulo
from tests.factories import ClienteFactory, EmpresaFactory, TituloReceberFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HOJE = dt.date(2026, 3, 10)
VISIBILIDADE = [
    ("dono", 200),
    ("supervisor", 200),
    ("sac", 200),
    ("admin", 200),
    ("colega", 404),
    ("supervisor_outro", 404),
]


def _data(texto: str) -> dt.date:
    return dt.date.fromisoformat(texto)


@pytest.fixture
def cliente(pessoas):
    return ClienteFactory(carteira=pessoas.a, nome="Padaria Pão Quente")


@pytest.fixture
def carteira_conhecida(cliente):
    """Known titles of `cliente` on HOJE (10/03/2026), one of each case, plus noise."""
    empresa = EmpresaFactory()

    def titulo(doc, valor, venc, pago="0", pago_em=None, emissao="2023-12-01", parcela="1"):
        return TituloReceberFactory(
            empresa=empresa, cliente=cliente, documento=doc, parcela=parcela, valor=D(valor),
            valor_pago=D(pago), vencimento=_data(venc), emissao=_data(emissao),
            pago_em=_data(pago_em) if pago_em else None,
        )  # fmt: skip

    t = {
        "vencido": titulo("A", "1000.00", "2026-02-28"),  # 10 days late
        "vencido_parcial": titulo("B", "500.50", "2026-03-05", pago="200.25"),  # 5 days late
        "a_vencer": titulo("C", "250.10", "2026-03-20"),
        "parcial_hoje": titulo("D", "300.00", "2026-03-10", pago="100.00"),  # due today
        "pago_adiantado": titulo("E", "400.00", "2026-01-10", "400.00", "2026-01-08"),  # 0
        "pago_atrasado": titulo("F", "600.00", "2025-12-01", "600.00", "2025-12-13"),  # 12
        "pago_7": titulo("G", "50.00", "2025-06-01", "50.00", "2025-06-08"),  # 7
        "pago_antigo": titulo("H", "80.00", "2024-01-01", "80.00", "2024-02-01"),  # outside
        "pago_a_mais": titulo("I", "100.00", "2026-02-01", "110.00", "2026-02-03"),  # 2
    }
    # Another client's overdue title never counts.
    TituloReceberFactory(
        cliente=ClienteFactory(carteira=cliente.carteira), vencimento=_data("2026-01-01"),
        emissao=_data("2025-12-01"), valor=D("9999.99"),
    )  # fmt: skip
    return t


# --- model: derived situação, days late, balance -------------------------------------------


@pytest.mark.parametrize(
    ("chave", "situacao", "atraso", "saldo"),
    [
        ("vencido", SituacaoTitulo.VENCIDO, 10, D("1000.00")),
        ("vencido_parcial", SituacaoTitulo.VENCIDO, 5, D("300.25")),
        ("a_vencer", SituacaoTitulo.ABERTO, 0, D("250.10")),
        ("parcial_hoje", SituacaoTitulo.PARCIAL, 0, D("200.00")),
        ("pago_adiantado", SituacaoTitulo.PAGO, 0, D("0.00")),
        ("pago_a_mais", SituacaoTitulo.PAGO, 0, D("0.00")),
    ],
)
def test_situacao_atraso_e_saldo_derivados(carteira_conhecida, chave, situacao, atraso, saldo):
    titulo = carteira_conhecida[chave]
    assert titulo.situacao_em(HOJE) == situacao
    assert titulo.dias_atraso_em(HOJE) == atraso
    assert titulo.saldo == saldo


def test_atraso_do_pagamento(carteira_conhecida):
    assert carteira_conhecida["pago_atrasado"].dias_atraso_pagamento == 12
    assert carteira_conhecida["pago_adiantado"].dias_atraso_pagamento == -2
    assert carteira_conhecida["vencido"].dias_atraso_pagamento is None


def test_documento_e_parcela_unicos_por_empresa(cliente):
    empresa = EmpresaFactory()
    TituloReceberFactory(empresa=empresa, cliente=cliente, documento="NF1", parcela="1")
    TituloReceberFactory(empresa=empresa, cliente=cliente, documento="NF1", parcela="2")
    TituloReceberFactory(empresa=EmpresaFactory(), cliente=cliente, documento="NF1", parcela="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        TituloReceberFactory(empresa=empresa, cliente=cliente, documento="NF1", parcela="1")


@pytest.mark.parametrize(
    "campos",
    [
        {"valor": D("0.00")},
        {"valor_pago": D("-1.00")},
        {"emissao": dt.date(2026, 3, 2), "vencimento": dt.date(2026, 3, 1)},
    ],
)
def test_banco_recusa_titulo_invalido(cliente, campos):
    with pytest.raises(IntegrityError), transaction.atomic():
        TituloReceberFactory(cliente=cliente, **campos)


# --- selector: the summary to the cent -------------------------------------------------------


def test_resumo_financeiro_ao_centavo(cliente, carteira_conhecida, django_assert_num_queries):
    cliente.limite_credito = D("2000.00")
    with django_assert_num_queries(1):
        resumo = selectors.resumo_financeiro(cliente, hoje=HOJE)
    assert resumo.em_aberto == D("1750.35")  # 1000 + 300,25 + 250,10 + 200
    assert resumo.vencido == D("1300.25")
    assert resumo.a_vencer == D("450.10")
    assert resumo.titulos_em_aberto == 4
    assert resumo.titulos_vencidos == 2
    assert resumo.maior_atraso == 10
    # paid in the last 12 months: 0 (early counts as 0), 12, 7, 2 → 21 / 4 = 5,25 → 5,3
    assert resumo.pagos_12_meses == 4
    assert resumo.atraso_medio == D("5.3")
    assert resumo.limite_credito == D("2000.00")
    assert resumo.credito_disponivel == D("249.65")
    assert all(
        isinstance(v, D)
        for v in (resumo.em_aberto, resumo.vencido, resumo.a_vencer, resumo.credito_disponivel)
    )


def test_credito_disponivel_negativo_acima_do_limite(cliente, carteira_conhecida):
    cliente.limite_credito = D("1000.00")
    assert selectors.resumo_financeiro(cliente, hoje=HOJE).credito_disponivel == D("-750.35")


def test_resumo_sem_titulos_e_sem_limite(cliente):
    resumo = selectors.resumo_financeiro(cliente, hoje=HOJE)
    assert resumo.em_aberto == resumo.vencido == resumo.a_vencer == D("0.00")
    assert resumo.maior_atraso == 0
    assert resumo.atraso_medio is None
    assert resumo.credito_disponivel is None
    assert not resumo.tem_titulos


@pytest.mark.parametrize(
    ("filtro", "documentos"),
    [
        (FiltroTitulos.ABERTOS, ["A", "B", "D", "C"]),  # oldest due first
        (FiltroTitulos.VENCIDOS, ["A", "B"]),
        (FiltroTitulos.PAGOS, ["I", "E", "F", "G", "H"]),  # newest due first
        (FiltroTitulos.TODOS, ["C", "D", "B", "A", "I", "E", "F", "G", "H"]),
        ("qualquer-coisa", ["A", "B", "D", "C"]),  # unknown: the default
    ],
)
def test_filtros_e_ordem_dos_titulos(cliente, carteira_conhecida, filtro, documentos):
    filtro = selectors.filtro_titulos(filtro)
    qs = selectors.titulos_filtrados(cliente, filtro, hoje=HOJE)
    assert [t.documento for t in qs] == documentos


# --- the Financeiro tab ----------------------------------------------------------------------


def _login(client, pessoas, quem):
    client.force_login(pessoas.usuarios[quem])
    return pessoas.usuarios[quem]


def _vencido(cliente, dias, **extra):
    hoje = timezone.localdate()
    return TituloReceberFactory(
        cliente=cliente, vencimento=hoje - dt.timedelta(days=dias),
        emissao=hoje - dt.timedelta(days=dias + 30), **extra,
    )  # fmt: skip


@pytest.mark.parametrize(("quem", "esperado"), VISIBILIDADE)
def test_aba_financeiro_respeita_a_carteira(client, pessoas, cliente, quem, esperado):
    _vencido(cliente, 3, documento="NF-VISIVEL")
    _login(client, pessoas, quem)
    pagina = client.get(
        reverse("cadastro:cliente-detalhe", args=[cliente.pk]), {"aba": "financeiro"}
    )
    parcial = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"]), **HTMX)
    assert pagina.status_code == parcial.status_code == esperado
    if esperado == 200:
        assert "NF-VISIVEL" in pagina.content.decode()
        assert "NF-VISIVEL" in parcial.content.decode()
        assert "<html" not in parcial.content.decode()


@pytest.mark.parametrize(("quem", "esperado"), VISIBILIDADE)
def test_exportacao_respeita_a_carteira(client, pessoas, cliente, quem, esperado):
    _vencido(cliente, 3)
    _login(client, pessoas, quem)
    resp = client.get(reverse("cadastro:cliente-titulos-exportar", args=[cliente.pk]))
    assert resp.status_code == esperado


def _sem_permissao_de_titulos(pessoas):
    """Sees every client but holds no receivables permission (a custom role)."""
    usuario = UsuarioFactory(username="so_cadastro")
    usuario.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cadastro", codename__in=["view_cliente", "ver_todos_clientes"]
        )
    )
    return usuario


def test_sem_permissao_nao_ve_a_aba_nem_exporta(client, pessoas, cliente):
    client.force_login(_sem_permissao_de_titulos(pessoas))
    detalhe = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk]))
    assert detalhe.status_code == 200
    assert "aba=financeiro" not in detalhe.content.decode()
    assert (
        client.get(
            reverse("cadastro:cliente-detalhe", args=[cliente.pk]), {"aba": "financeiro"}
        ).status_code
        == 403
    )
    assert (
        client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"])).status_code
        == 403
    )
    assert (
        client.get(reverse("cadastro:cliente-titulos-exportar", args=[cliente.pk])).status_code
        == 403
    )


def test_sem_permissao_de_exportar_ve_a_aba_sem_o_botao(client, pessoas, cliente):
    _vencido(cliente, 3)
    usuario = _sem_permissao_de_titulos(pessoas)
    usuario.user_permissions.add(Permission.objects.get(codename="view_tituloreceber"))
    client.force_login(usuario)
    resp = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"]))
    assert resp.status_code == 200
    assert reverse("cadastro:cliente-titulos-exportar", args=[cliente.pk]) not in (
        resp.content.decode()
    )
    exportar = client.get(reverse("cadastro:cliente-titulos-exportar", args=[cliente.pk]))
    assert exportar.status_code == 403


def test_aba_mostra_resumo_e_destaca_vencidos(client, pessoas, cliente):
    cliente.limite_credito = D("5000.00")
    cliente.save()
    _vencido(cliente, 12, documento="NF-ATRASADA", valor=D("1234.56"))
    hoje = timezone.localdate()
    TituloReceberFactory(
        cliente=cliente, documento="NF-FUTURA", valor=D("100.00"),
        vencimento=hoje + dt.timedelta(days=9),
    )  # fmt: skip
    _login(client, pessoas, "dono")
    html = client.get(
        reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"]), **HTMX
    ).content.decode()
    assert "R$ 1.334,56" in html  # em aberto, pt-BR
    assert "R$ 1.234,56" in html  # vencido
    assert "R$ 3.665,44" in html  # crédito disponível
    assert "12 dias" in html
    linha_atrasada = html.split("NF-ATRASADA")[0].rsplit("<tr", 1)[1]
    assert 'class="titulo-vencido"' in linha_atrasada
    linha_futura = html.split("NF-FUTURA")[0].rsplit("<tr", 1)[1]
    assert "titulo-vencido" not in linha_futura


def test_filtro_da_aba(client, pessoas, cliente):
    _vencido(cliente, 5, documento="NF-VENCIDA")
    TituloReceberFactory(cliente=cliente, documento="NF-ABERTA")
    _vencido(cliente, 40, documento="NF-PAGA", valor_pago=D("100.00"),
             pago_em=timezone.localdate() - dt.timedelta(days=38))  # fmt: skip
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"])

    def documentos(filtro):
        html = client.get(url, {"filtro": filtro}, **HTMX).content.decode()
        return {d for d in ("NF-VENCIDA", "NF-ABERTA", "NF-PAGA") if d in html}

    assert documentos("") == {"NF-VENCIDA", "NF-ABERTA"}
    assert documentos("vencidos") == {"NF-VENCIDA"}
    assert documentos("pagos") == {"NF-PAGA"}
    assert documentos("todos") == {"NF-VENCIDA", "NF-ABERTA", "NF-PAGA"}


def test_paginacao_mantem_o_filtro(client, pessoas, cliente):
    for i in range(25):
        _vencido(cliente, 100 - i, documento=f"NF-{i:03d}")
    TituloReceberFactory(cliente=cliente, documento="NF-EM-DIA")
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"])
    primeira = client.get(url, {"filtro": "vencidos"}, **HTMX).content.decode()
    assert "NF-000" in primeira and "NF-019" in primeira and "NF-020" not in primeira
    assert "Página 1 de 2" in primeira
    assert "pagina=2&filtro=vencidos" in primeira
    segunda = client.get(url, {"filtro": "vencidos", "pagina": 2}, **HTMX).content.decode()
    assert "NF-020" in segunda and "NF-024" in segunda and "NF-000" not in segunda
    assert "NF-EM-DIA" not in segunda


@pytest.mark.parametrize(
    ("filtro", "mensagem"),
    [
        ("", "Nenhum título em aberto."),
        ("vencidos", "Nenhum título vencido."),
        ("pagos", "Nenhum título pago."),
        ("todos", "Nenhum título a receber deste cliente."),
    ],
)
def test_estado_vazio(client, pessoas, cliente, filtro, mensagem):
    _login(client, pessoas, "dono")
    resp = client.get(
        reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"]), {"filtro": filtro}
    )
    html = resp.content.decode()
    assert mensagem in html
    assert "Exportar Excel" not in html
    assert "—" in html  # no credit limit, no average delay


def _com_pedidos(cliente, quantos):
    from vendas.models import Pedido

    dono = cliente.carteira.representante
    empresa = dono.empresa
    for i in range(quantos):
        pedido = Pedido.objects.create(
            tipo="pedido", numero=900_000 + i, empresa=empresa, cliente=cliente,
            representante=dono, data=timezone.localdate(),
        )  # fmt: skip
        _vencido(cliente, 10 + i, empresa=empresa, pedido=pedido)


def test_aba_financeiro_em_consultas_fixas(client, pessoas, cliente, django_assert_max_num_queries):
    # given a client with many titles, each of its own order
    _com_pedidos(cliente, 25)
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-detalhe", args=[cliente.pk])
    client.get(url, {"aba": "financeiro"})  # warm up: session, permission caches
    # then the tab does not grow with the rows: the order numbers come in the page's query.
    # Ten in all: the session, the user, two for permissions, the carteiras, the client, the
    # summary, the count, the user's groups (menu) and the page.
    with django_assert_max_num_queries(10):
        resp = client.get(url, {"aba": "financeiro", "filtro": "todos"})
    assert resp.status_code == 200
    assert "900000" in resp.content.decode()
    with django_assert_max_num_queries(10):
        resp = client.get(
            reverse("cadastro:cliente-aba", args=[cliente.pk, "financeiro"]),
            {"filtro": "todos"},
            **HTMX,
        )
    assert resp.status_code == 200


def test_exportacao_xlsx_tipada(client, pessoas, cliente):
    hoje = timezone.localdate()
    _vencido(cliente, 7, documento="NF-777", parcela="2/3", valor=D("1234.56"),
             valor_pago=D("234.56"))  # fmt: skip
    TituloReceberFactory(cliente=cliente, documento="NF-888")
    _vencido(cliente, 60, documento="NF-PAGA", valor_pago=D("100.00"),
             pago_em=hoje - dt.timedelta(days=50))  # fmt: skip
    TituloReceberFactory(cliente=ClienteFactory(carteira=pessoas.a), documento="NF-OUTRO")
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-titulos-exportar", args=[cliente.pk])

    resp = client.get(url, {"filtro": "vencidos"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in resp["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.content)).active
    linhas = list(ws.iter_rows(values_only=True))
    assert linhas[0][:3] == ("Documento", "Parcela", "Espécie")
    assert len(linhas) == 2
    linha = linhas[1]
    doc, parcela, especie, _emissao, venc, valor, _pago, saldo, pago_em, sit, atraso, pedido = linha
    assert (doc, parcela, especie) == ("NF-777", "2/3", "Duplicata")
    assert venc.date() == hoje - dt.timedelta(days=7)
    assert D(str(valor)) == D("1234.56") and D(str(saldo)) == D("1000.00")
    assert (sit, atraso, pedido, pago_em) == ("Vencido", 7, None, None)

    todos = load_workbook(io.BytesIO(client.get(url, {"filtro": "todos"}).content)).active
    documentos = [r[0] for r in todos.iter_rows(min_row=2, values_only=True)]
    assert sorted(documentos) == ["NF-777", "NF-888", "NF-PAGA"]
