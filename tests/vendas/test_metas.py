"""Sales targets screens (`vendas:meta-*`): who may open them, whose targets each supervisor
may set, the pt-BR validation (period, value, overlap naming the existing target), hidden
fields, the list's filters, empty state, export and query budget."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from vendas.constants import IndicadorVenda
from vendas.models import MetaVenda

D = Decimal
pytestmark = pytest.mark.django_db

INICIO, FIM = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def empresa(pessoas: Any) -> Any:
    """Everybody of `pessoas` in one company (the factory gives each user their own)."""
    from contas.models import Usuario

    empresa = pessoas.usuarios["admin"].empresa
    Usuario.objects.filter(pk__in=[u.pk for u in pessoas.usuarios.values()]).update(empresa=empresa)
    for usuario in pessoas.usuarios.values():
        usuario.refresh_from_db()
    return empresa


def meta(
    empresa: Any,
    rep: Any = None,
    indicador: str = IndicadorVenda.FATURAMENTO,
    valor: str = "1000",
    inicio: dt.date = INICIO,
    fim: dt.date = FIM,
) -> MetaVenda:
    return MetaVenda.objects.create(
        empresa=empresa, representante=rep, indicador=indicador, valor_meta=D(valor),
        periodo_inicio=inicio, periodo_fim=fim,
    )  # fmt: skip


def dados(rep: Any = None, **extra: str) -> dict[str, str]:
    base = {
        "indicador": IndicadorVenda.FATURAMENTO,
        "representante": str(rep.pk) if rep else "",
        "valor_meta": "15.000,50",
        "periodo_inicio": "01/03/2026",
        "periodo_fim": "31/03/2026",
    }
    return {**base, **extra}


def mensagens(resposta: Any) -> list[str]:
    return [str(m) for m in get_messages(resposta.wsgi_request)]


# --- who ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("dono", 403), ("colega", 403), ("sac", 403), ("supervisor", 200), ("admin", 200)],
)
@pytest.mark.parametrize("rota", ["vendas:meta-lista", "vendas:meta-nova", "vendas:meta-exportar"])
def test_quem_abre_as_telas(client, pessoas, empresa, quem, esperado, rota) -> None:
    client.force_login(pessoas.usuarios[quem])
    assert client.get(reverse(rota)).status_code == esperado


@pytest.mark.parametrize("quem", ["dono", "sac"])
def test_rep_e_sac_recebem_403_ao_editar_ou_excluir(client, pessoas, empresa, quem) -> None:
    alvo = meta(empresa, pessoas.usuarios["dono"])
    client.force_login(pessoas.usuarios[quem])
    for rota in ("vendas:meta-editar", "vendas:meta-excluir"):
        url = reverse(rota, args=[alvo.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, dados(pessoas.usuarios["dono"], valor_meta="1")).status_code == 403
    alvo.refresh_from_db()
    assert alvo.valor_meta == D("1000")
    assert client.post(reverse("vendas:meta-nova"), dados()).status_code == 403
    assert MetaVenda.objects.count() == 1


# --- create --------------------------------------------------------------------------------------


def test_supervisor_cria_meta_de_rep_da_equipe(client, pessoas, empresa) -> None:
    supervisor, dono = pessoas.usuarios["supervisor"], pessoas.usuarios["dono"]
    client.force_login(supervisor)
    resposta = client.post(reverse("vendas:meta-nova"), dados(dono))
    assert resposta.status_code == 302 and resposta["Location"] == reverse("vendas:meta-lista")
    criada = MetaVenda.objects.get()
    assert (criada.empresa_id, criada.representante_id) == (empresa.pk, dono.pk)
    assert criada.valor_meta == D("15000.50")
    assert (criada.periodo_inicio, criada.periodo_fim) == (INICIO, FIM)
    # who and when are in the success message (no event model for MetaVenda)
    [texto] = mensagens(resposta)
    assert "criada por " + supervisor.get_full_name() in texto
    assert dono.get_full_name() in texto and "R$ 15.000,50" in texto


def test_empresa_nao_vem_do_post(client, pessoas, empresa) -> None:
    from tests.factories import EmpresaFactory

    outra = EmpresaFactory()
    client.force_login(pessoas.usuarios["admin"])
    resposta = client.post(reverse("vendas:meta-nova"), {**dados(), "empresa": str(outra.pk)})
    assert resposta.status_code == 302
    assert MetaVenda.objects.get().empresa_id == empresa.pk


def test_supervisor_nao_cria_meta_de_rep_de_outra_equipe(client, pessoas, empresa) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.post(reverse("vendas:meta-nova"), dados(pessoas.usuarios["colega"]))
    assert resposta.status_code == 200
    assert "Escolha um representante da sua equipe." in resposta.content.decode()
    assert not MetaVenda.objects.exists()
    # the colleague is not even offered
    html = client.get(reverse("vendas:meta-nova")).content.decode()
    assert pessoas.usuarios["dono"].get_full_name() in html
    assert pessoas.usuarios["colega"].get_full_name() not in html


def test_supervisor_nao_cria_meta_da_empresa(client, pessoas, empresa) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.post(reverse("vendas:meta-nova"), dados(None))
    assert "metas da empresa são do administrador" in resposta.content.decode()
    assert not MetaVenda.objects.exists()


def test_admin_cria_meta_da_empresa_e_de_qualquer_rep(client, pessoas, empresa) -> None:
    client.force_login(pessoas.usuarios["admin"])
    assert client.post(reverse("vendas:meta-nova"), dados(None)).status_code == 302
    colega = pessoas.usuarios["colega"]
    assert client.post(reverse("vendas:meta-nova"), dados(colega)).status_code == 302
    assert set(MetaVenda.objects.values_list("representante_id", flat=True)) == {None, colega.pk}


def test_admin_nao_cria_meta_de_rep_de_outra_empresa(client, pessoas, empresa) -> None:
    from tests.factories import EmpresaFactory, UsuarioFactory

    estranho = UsuarioFactory(username="estranho", papel="Representante", empresa=EmpresaFactory())
    client.force_login(pessoas.usuarios["admin"])
    resposta = client.post(reverse("vendas:meta-nova"), dados(estranho))
    assert "Escolha um representante da sua equipe." in resposta.content.decode()
    assert not MetaVenda.objects.exists()


@pytest.mark.parametrize(
    ("campos", "erro"),
    [
        ({"periodo_fim": "28/02/2026"}, "O fim do período não pode ser anterior ao início."),
        ({"valor_meta": "-1"}, "A meta não pode ser negativa."),
        ({"valor_meta": "abc"}, "Informe um número (ex.: 15.000,00 ou 40)."),
        ({"periodo_inicio": "31/02/2026"}, "Informe uma data válida (dd/mm/aaaa)."),
        ({"indicador": ""}, "Escolha o indicador."),
        ({"valor_meta": ""}, "Informe o valor da meta."),
        (
            {"indicador": IndicadorVenda.PEDIDOS, "valor_meta": "10,5"},
            "Este indicador é uma quantidade: use um número inteiro.",
        ),
    ],
)
def test_validacao_em_portugues_guarda_o_digitado(client, pessoas, empresa, campos, erro) -> None:
    client.force_login(pessoas.usuarios["admin"])
    resposta = client.post(reverse("vendas:meta-nova"), dados(**campos))
    html = resposta.content.decode()
    assert resposta.status_code == 200 and erro in html
    assert not MetaVenda.objects.exists()
    # what was typed stays in the form
    for valor in campos.values():
        if valor and not valor.startswith(("faturamento", "pedidos")):
            assert f'value="{valor}"' in html


def test_sobreposicao_nomeia_a_meta_existente(client, pessoas, empresa) -> None:
    dono = pessoas.usuarios["dono"]
    meta(empresa, dono, inicio=dt.date(2026, 3, 15), fim=dt.date(2026, 4, 15), valor="2000")
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.post(reverse("vendas:meta-nova"), dados(dono))
    html = resposta.content.decode()
    assert MetaVenda.objects.count() == 1
    assert "Já existe a meta" in html and "15/03/2026 a 15/04/2026" in html
    assert dono.get_full_name() in html and "R$ 2.000,00" in html
    assert "que se sobrepõe a este período" in html


def test_sem_sobreposicao_entre_reps_indicadores_ou_periodos_vizinhos(
    client, pessoas, empresa
) -> None:
    dono = pessoas.usuarios["dono"]
    meta(empresa, dono)  # March, faturamento
    client.force_login(pessoas.usuarios["admin"])
    url = reverse("vendas:meta-nova")
    # the company's own target of the same indicator and period
    assert client.post(url, dados(None)).status_code == 302
    # another indicator for the same rep
    assert client.post(url, dados(dono, indicador=IndicadorVenda.PEDIDOS, valor_meta="40"))
    # the next month, touching but not overlapping
    abril = dados(dono, periodo_inicio="01/04/2026", periodo_fim="30/04/2026")
    assert client.post(url, abril).status_code == 302
    assert MetaVenda.objects.count() == 4


# --- edit / delete -------------------------------------------------------------------------------


def test_supervisor_edita_meta_da_equipe_e_a_propria_meta_nao_conflita(
    client, pessoas, empresa
) -> None:
    dono = pessoas.usuarios["dono"]
    alvo = meta(empresa, dono)
    client.force_login(pessoas.usuarios["supervisor"])
    url = reverse("vendas:meta-editar", args=[alvo.pk])
    assert client.get(url).status_code == 200
    resposta = client.post(url, dados(dono, valor_meta="2.500"))
    assert resposta.status_code == 302
    alvo.refresh_from_db()
    assert alvo.valor_meta == D("2500")
    [texto] = mensagens(resposta)
    assert "alterada por" in texto and "antes:" in texto and "R$ 1.000,00" in texto


@pytest.mark.parametrize("rota", ["vendas:meta-editar", "vendas:meta-excluir"])
def test_supervisor_de_outra_equipe_recebe_404(client, pessoas, empresa, rota) -> None:
    dono = pessoas.usuarios["dono"]
    alvo = meta(empresa, dono)
    client.force_login(pessoas.usuarios["supervisor_outro"])
    url = reverse(rota, args=[alvo.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, dados(dono, valor_meta="1")).status_code == 404
    alvo.refresh_from_db()
    assert alvo.valor_meta == D("1000")
    # and the owner's supervisor does reach it
    client.force_login(pessoas.usuarios["supervisor"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("rota", ["vendas:meta-editar", "vendas:meta-excluir"])
def test_supervisor_nao_altera_meta_da_empresa(client, pessoas, empresa, rota) -> None:
    alvo = meta(empresa)
    client.force_login(pessoas.usuarios["supervisor"])
    url = reverse(rota, args=[alvo.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, dados(None, valor_meta="1")).status_code == 404
    assert MetaVenda.objects.get().valor_meta == D("1000")


def test_admin_de_outra_empresa_recebe_404(client, pessoas, empresa) -> None:
    from tests.factories import EmpresaFactory, UsuarioFactory

    alvo = meta(empresa, pessoas.usuarios["dono"])
    estranho = UsuarioFactory(username="admin2", papel="Administrador", empresa=EmpresaFactory())
    client.force_login(estranho)
    assert client.get(reverse("vendas:meta-editar", args=[alvo.pk])).status_code == 404
    assert client.post(reverse("vendas:meta-excluir", args=[alvo.pk])).status_code == 404
    assert MetaVenda.objects.filter(pk=alvo.pk).exists()
    assert "R$ 1.000,00" not in client.get(reverse("vendas:meta-lista")).content.decode()


def test_editar_nao_troca_a_empresa_pelo_post(client, pessoas, empresa) -> None:
    from tests.factories import EmpresaFactory

    alvo = meta(empresa)
    client.force_login(pessoas.usuarios["admin"])
    url = reverse("vendas:meta-editar", args=[alvo.pk])
    client.post(url, {**dados(None, valor_meta="5"), "empresa": str(EmpresaFactory().pk)})
    alvo.refresh_from_db()
    assert (alvo.empresa_id, alvo.valor_meta) == (empresa.pk, D("5"))


def test_excluir_pede_confirmacao_e_registra_quem(client, pessoas, empresa) -> None:
    dono = pessoas.usuarios["dono"]
    alvo = meta(empresa, dono)
    client.force_login(pessoas.usuarios["supervisor"])
    url = reverse("vendas:meta-excluir", args=[alvo.pk])
    html = client.get(url).content.decode()
    assert "Excluir a meta" in html and dono.get_full_name() in html
    assert MetaVenda.objects.exists()
    resposta = client.post(url)
    assert resposta.status_code == 302 and not MetaVenda.objects.exists()
    [texto] = mensagens(resposta)
    assert "excluída por " + pessoas.usuarios["supervisor"].get_full_name() in texto


# --- list ----------------------------------------------------------------------------------------


def test_lista_do_supervisor_mostra_empresa_e_equipe_nao_outras(client, pessoas, empresa) -> None:
    meta(empresa, pessoas.usuarios["dono"], valor="1111")
    meta(empresa, pessoas.usuarios["colega"], valor="2222")
    meta(empresa, None, valor="3333")
    client.force_login(pessoas.usuarios["supervisor"])
    html = client.get(reverse("vendas:meta-lista")).content.decode()
    assert "R$ 1.111,00" in html and "R$ 3.333,00" in html and "R$ 2.222,00" not in html
    assert pessoas.usuarios["colega"].get_full_name() not in html
    assert "Só o administrador altera" in html  # the company's target: no edit link
    client.force_login(pessoas.usuarios["admin"])
    html = client.get(reverse("vendas:meta-lista")).content.decode()
    assert all(v in html for v in ("R$ 1.111,00", "R$ 2.222,00", "R$ 3.333,00"))
    assert "Só o administrador altera" not in html


def test_filtros_da_lista(client, pessoas, empresa) -> None:
    dono, colega = pessoas.usuarios["dono"], pessoas.usuarios["colega"]
    meta(empresa, dono, valor="1111")
    meta(empresa, colega, IndicadorVenda.PEDIDOS, "22")
    meta(empresa, None, valor="3333", inicio=dt.date(2026, 5, 1), fim=dt.date(2026, 5, 31))
    client.force_login(pessoas.usuarios["admin"])
    url = reverse("vendas:meta-lista")

    def valores(**filtros: str) -> set[str]:
        html = client.get(url, filtros).content.decode()
        return {
            v for v in ("R$ 1.111,00", "22", "R$ 3.333,00")
            if re.search(rf">\s*{re.escape(v)}\s*<", html)
        }  # fmt: skip

    assert valores() == {"R$ 1.111,00", "22", "R$ 3.333,00"}
    assert valores(indicador=IndicadorVenda.PEDIDOS) == {"22"}
    assert valores(representante=str(dono.pk)) == {"R$ 1.111,00"}
    assert valores(representante="empresa") == {"R$ 3.333,00"}
    assert valores(de="2026-04-01", ate="2026-06-30") == {"R$ 3.333,00"}
    assert valores(de="2026-03-31", ate="2026-03-31") == {"R$ 1.111,00", "22"}


def test_estado_vazio(client, pessoas, empresa) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    html = client.get(reverse("vendas:meta-lista")).content.decode()
    assert "Nenhuma meta encontrada." in html and "Nova meta" in html
    html = client.get(reverse("vendas:meta-lista"), {"indicador": "pedidos"}).content.decode()
    assert "Nenhum registro corresponde aos filtros" in html


def test_exportacao_da_lista(client, pessoas, empresa) -> None:
    from openpyxl import load_workbook

    meta(empresa, pessoas.usuarios["dono"], IndicadorVenda.PEDIDOS, "40")
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.get(reverse("vendas:meta-exportar"))
    linhas = list(
        load_workbook(io.BytesIO(b"".join(resposta.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert linhas[0][:3] == ("Indicador", "Representante", "Meta")
    assert linhas[1][1] == pessoas.usuarios["dono"].get_full_name()
    assert linhas[1][2] == 40 and linhas[1][3] == "unidades"
    assert linhas[1][4].date() == INICIO


@pytest.mark.parametrize("n", [1, 12])
def test_lista_nao_cresce_em_consultas(
    client, pessoas, empresa, django_assert_max_num_queries, n
) -> None:
    from tests.factories import UsuarioFactory

    for i in range(n):
        rep = UsuarioFactory(
            username=f"rep{i}", papel="Representante", empresa=empresa,
            equipe=pessoas.usuarios["dono"].equipe,
        )  # fmt: skip
        meta(empresa, rep, valor=str(100 + i))
    client.force_login(pessoas.usuarios["supervisor"])
    # session, user, permissions (2), menu groups, parameter (per page), filter choices,
    # page, count
    with django_assert_max_num_queries(10):
        resposta = client.get(reverse("vendas:meta-lista"))
    assert resposta.status_code == 200
    assert resposta.content.decode().count("Editar") == n


def test_filtro_htmx_devolve_so_a_tabela(client, pessoas, empresa) -> None:
    meta(empresa, pessoas.usuarios["dono"], valor="1111")
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.get(reverse("vendas:meta-lista"), headers={"HX-Request": "true"})
    html = resposta.content.decode()
    assert 'id="meta-tabela"' in html and "R$ 1.111,00" in html
    assert "<h1>" not in html and "HX-Request" in resposta["Vary"]
