"""Serviços das matrizes: validação por tipo, conflitos, versionamento (o passado não muda),
expiração, importação tudo-ou-nada, auditoria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from matrizes.fetch import Contexto, ItemPedido, Pergunta, calcular, montar_pedido, resolver
from matrizes.models import EventoRegra, Regra
from matrizes.services import regra_criar, regra_editar, regra_expirar
from tests.matrizes.conftest import Catalogo, criar_regra, regras_fiscais_sp

D = Decimal
HOJE = dt.date(2025, 3, 10)
ONTEM = HOJE - dt.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(pessoas: Any) -> Any:
    return pessoas.usuarios["supervisor"]


# --- validação por tipo de matriz ------------------------------------------------------------


def test_cada_matriz_exige_os_seus_resultados() -> None:
    with pytest.raises(ValidationError) as erro:
        Regra(matriz="ICMS", vigencia_inicio=HOJE, aliquota=D("18")).full_clean()
    assert erro.value.message_dict == {"fcp": ["Obrigatório nesta matriz."]}


def test_matriz_recusa_dimensao_e_resultado_que_nao_usa(pessoas: Any) -> None:
    regra = Regra(
        matriz="IPI",
        vigencia_inicio=HOJE,
        aliquota=D("5"),
        uf_destino="RJ",
        representante=pessoas.usuarios["dono"],
        valor=D("10"),
    )
    with pytest.raises(ValidationError) as erro:
        regra.full_clean()
    assert set(erro.value.message_dict) == {"uf_destino", "representante", "valor"}
    assert "não usa esta dimensão" in erro.value.message_dict["uf_destino"][0]


def test_st_que_aplica_exige_mva_e_a_que_dispensa_nao() -> None:
    with pytest.raises(ValidationError) as erro:
        Regra(matriz="ICMS_ST", vigencia_inicio=HOJE, ncm="85395000").full_clean()
    assert "mva" in erro.value.message_dict
    Regra(matriz="ICMS_ST", vigencia_inicio=HOJE, ncm="85395000", aplica_st=False).full_clean()


def test_frete_exige_valor_ou_percentual() -> None:
    with pytest.raises(ValidationError) as erro:
        Regra(matriz="FRETE", vigencia_inicio=HOJE, uf_destino="BA").full_clean()
    assert "valor" in erro.value.message_dict
    Regra(matriz="FRETE", vigencia_inicio=HOJE, percentual=D("2.5")).full_clean()


def test_faixa_ordenada_e_so_nas_matrizes_com_faixa() -> None:
    with pytest.raises(ValidationError) as erro:
        Regra(
            matriz="ALCADA",
            vigencia_inicio=HOJE,
            percentual_de=D("10"),
            percentual_ate=D("5"),
            nivel_alcada=1,
            papel_aprovador="Supervisor",
        ).full_clean()
    assert "percentual_ate" in erro.value.message_dict
    with pytest.raises(ValidationError) as erro:
        Regra(
            matriz="IPI", vigencia_inicio=HOJE, aliquota=D("5"), percentual_ate=D("5")
        ).full_clean()
    assert "percentual_ate" in erro.value.message_dict


def test_formatos_de_ncm_cfop_e_uf() -> None:
    with pytest.raises(ValidationError) as erro:
        Regra(
            matriz="ICMS",
            vigencia_inicio=HOJE,
            aliquota=D("18"),
            fcp=D("0"),
            ncm="8539.50",
            cfop="51",
            uf_destino="XX",
        ).full_clean()
    assert set(erro.value.message_dict) == {"ncm", "cfop", "uf_destino"}


# --- criar --------------------------------------------------------------------------------


def test_criar_registra_evento_e_historico_com_o_autor(supervisor: Any) -> None:
    import pghistory.models

    regra = regra_criar(
        dados={"matriz": "IPI", "ncm": "85395000", "aliquota": D("10"), "vigencia_inicio": HOJE},
        ator=supervisor,
        hoje=HOJE,
    )
    assert regra.criado_por == supervisor
    evento = EventoRegra.objects.get(regra=regra)
    assert (evento.tipo, evento.ator) == ("criada", supervisor)
    historico = pghistory.models.Events.objects.tracks(regra)
    assert historico.count() == 1
    assert historico.get().pgh_context["usuario"] == supervisor.pk


def test_criar_no_passado_e_recusado(supervisor: Any) -> None:
    with pytest.raises(ValidationError) as erro:
        regra_criar(
            dados={"matriz": "IPI", "aliquota": D("10"), "vigencia_inicio": ONTEM},
            ator=supervisor,
            hoje=HOJE,
        )
    assert "passado" in erro.value.message_dict["vigencia_inicio"][0]
    assert not Regra.objects.exists()


def test_regra_identica_no_mesmo_periodo_e_recusada(supervisor: Any) -> None:
    dados = {"matriz": "IPI", "ncm": "85395000", "aliquota": D("10"), "vigencia_inicio": HOJE}
    primeira = regra_criar(dados=dados, ator=supervisor, hoje=HOJE)
    with pytest.raises(ValidationError) as erro:
        regra_criar(dados={**dados, "aliquota": D("12")}, ator=supervisor, hoje=HOJE)
    assert f"#{primeira.pk}" in erro.value.messages[0]
    # a rule with the same dimensions after the first one ends is fine
    regra_expirar(regra=primeira, ate=HOJE + dt.timedelta(days=30), ator=supervisor, hoje=HOJE)
    regra_criar(
        dados={**dados, "vigencia_inicio": HOJE + dt.timedelta(days=31)},
        ator=supervisor,
        hoje=HOJE,
    )


def test_faixas_que_se_sobrepoem_sao_conflito_e_as_vizinhas_nao(supervisor: Any) -> None:
    base = {"matriz": "ALCADA", "vigencia_inicio": HOJE, "nivel_alcada": 1}
    regra_criar(
        dados={**base, "percentual_ate": D("5"), "papel_aprovador": "Representante"},
        ator=supervisor,
        hoje=HOJE,
    )
    regra_criar(
        dados={
            **base,
            "percentual_de": D("5"),
            "percentual_ate": D("10"),
            "papel_aprovador": "Supervisor",
        },
        ator=supervisor,
        hoje=HOJE,
    )
    with pytest.raises(ValidationError):
        regra_criar(
            dados={**base, "percentual_de": D("8"), "papel_aprovador": "Administrador"},
            ator=supervisor,
            hoje=HOJE,
        )


# --- editar = nova versão ---------------------------------------------------------------------


def test_editar_regra_que_ainda_nao_vigorou_altera_no_lugar(supervisor: Any) -> None:
    regra = regra_criar(
        dados={"matriz": "IPI", "aliquota": D("10"), "vigencia_inicio": HOJE},
        ator=supervisor,
        hoje=HOJE,
    )
    editada = regra_editar(regra=regra, dados={"aliquota": D("12")}, ator=supervisor, hoje=HOJE)
    assert editada.pk == regra.pk
    assert editada.versao == 1
    assert editada.aliquota == D("12")
    assert EventoRegra.objects.filter(regra=regra, tipo="alterada").exists()


def test_editar_regra_em_uso_cria_nova_versao_e_o_pedido_antigo_reproduz_seus_impostos(
    catalogo: Catalogo, supervisor: Any
) -> None:
    # given SP basics since 2024 and an order computed on 10/02/2025 with ICMS 18 %
    regras_fiscais_sp()
    icms = Regra.objects.get(matriz="ICMS")
    data_pedido = dt.date(2025, 2, 10)

    def calcular_em(data: dt.date) -> Any:
        contexto = Contexto(
            data=data,
            empresa=catalogo.empresa,
            uf_destino="SP",
            contribuinte=True,
            consumidor_final=False,
        )
        itens = [
            ItemPedido(produto=catalogo.parafuso, quantidade=D("7"), preco_unitario=D("33.33"))
        ]
        return calcular(montar_pedido(contexto, itens))

    antes = calcular_em(data_pedido)
    assert antes.v_icms == D("42.00")  # R(233,31 × 18 %) = R(41,9958)
    # when the supervisor "edits" the rate to 20 % on 10/03/2025
    nova = regra_editar(regra=icms, dados={"aliquota": D("20")}, ator=supervisor, hoje=HOJE)
    # then a new version starts today and the old one ends yesterday, untouched otherwise
    icms.refresh_from_db()
    assert (nova.versao, nova.versao_anterior, nova.vigencia_inicio) == (2, icms, HOJE)
    assert icms.vigencia_fim == ONTEM
    assert icms.aliquota == D("18")
    # and recomputing the old order with its date gives exactly the same taxes
    depois = calcular_em(data_pedido)
    assert depois == antes
    # while an order of today uses the new version
    assert calcular_em(HOJE).v_icms == D("46.66")
    assert set(EventoRegra.objects.values_list("tipo", flat=True)) == {
        "substituida",
        "nova_versao",
    }


def test_editar_so_o_fim_futuro_de_regra_em_uso_nao_versiona(supervisor: Any) -> None:
    regra = criar_regra("IPI", aliquota=D("5"))
    editada = regra_editar(
        regra=regra,
        dados={"vigencia_fim": dt.date(2025, 12, 31)},
        ator=supervisor,
        hoje=HOJE,
    )
    assert editada.pk == regra.pk
    assert editada.vigencia_fim == dt.date(2025, 12, 31)


def test_nova_versao_nao_comeca_no_passado_e_pode_comecar_no_futuro(supervisor: Any) -> None:
    regra = criar_regra("IPI", aliquota=D("5"))
    with pytest.raises(ValidationError):
        regra_editar(
            regra=regra,
            dados={"aliquota": D("6"), "vigencia_inicio": dt.date(2025, 1, 1)},
            ator=supervisor,
            hoje=HOJE,
        )
    futura = dt.date(2025, 4, 1)
    nova = regra_editar(
        regra=regra,
        dados={"aliquota": D("6"), "vigencia_inicio": futura},
        ator=supervisor,
        hoje=HOJE,
    )
    regra.refresh_from_db()
    assert regra.vigencia_fim == dt.date(2025, 3, 31)
    assert nova.vigencia_inicio == futura
    respostas = resolver([Pergunta("IPI", dt.date(2025, 3, 31), {}), Pergunta("IPI", futura, {})])
    assert [r.regra for r in respostas] == [regra, nova]


def test_versao_substituida_e_expirada_nao_se_editam(supervisor: Any) -> None:
    regra = criar_regra("IPI", aliquota=D("5"))
    regra_editar(regra=regra, dados={"aliquota": D("6")}, ator=supervisor, hoje=HOJE)
    with pytest.raises(ValidationError, match="substituída"):
        regra_editar(regra=regra, dados={"aliquota": D("7")}, ator=supervisor, hoje=HOJE)
    velha = criar_regra("IPI", ncm="85395000", aliquota=D("5"), vigencia_fim=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="expirada"):
        regra_editar(regra=velha, dados={"aliquota": D("7")}, ator=supervisor, hoje=HOJE)


# --- expirar ----------------------------------------------------------------------------------


def test_expirar_nao_reescreve_o_passado(supervisor: Any) -> None:
    regra = criar_regra("IPI", aliquota=D("5"))
    with pytest.raises(ValidationError) as erro:
        regra_expirar(regra=regra, ate=dt.date(2025, 1, 1), ator=supervisor, hoje=HOJE)
    assert "09/03/2025" in erro.value.message_dict["ate"][0]
    regra_expirar(regra=regra, ate=ONTEM, ator=supervisor, hoje=HOJE)
    regra.refresh_from_db()
    assert regra.vigencia_fim == ONTEM
    assert regra.situacao(HOJE) == "expirada"
    assert EventoRegra.objects.get(regra=regra).tipo == "expirada"


def test_expirar_regra_futura_a_cancela(supervisor: Any) -> None:
    inicio = dt.date(2025, 4, 1)
    regra = regra_criar(
        dados={"matriz": "IPI", "aliquota": D("5"), "vigencia_inicio": inicio},
        ator=supervisor,
        hoje=HOJE,
    )
    regra_expirar(regra=regra, ate=inicio - dt.timedelta(days=1), ator=supervisor, hoje=HOJE)
    regra.refresh_from_db()
    assert regra.cancelada
    assert resolver([Pergunta("IPI", inicio, {})])[0].regra is None
