"""Tela "testar": qual regra respondeu cada pergunta e por quê, e os impostos do item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matrizes.constants import TipoMatriz
from tests.matrizes.conftest import Catalogo, criar_regra

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def cliente_rj(pessoas: Any, catalogo: Catalogo) -> Any:
    from cadastro.models import Endereco
    from tests.factories import ClienteFactory

    cliente = ClienteFactory(
        juridica=True,
        carteira=pessoas.a,
        nome="Casa das Lâmpadas",
        tipo_cliente=catalogo.revenda,
        indicador_ie="1",
        inscricao_estadual="110042490114",
        consumidor_final=False,
    )
    Endereco.objects.create(
        cliente=cliente, tipo="principal", logradouro="Rua A", uf="RJ", principal=True
    )
    return cliente


@pytest.fixture
def regras(catalogo: Catalogo) -> dict[str, Any]:
    return {
        "ipi": criar_regra("IPI", ncm="85395000", aliquota=D("10")),
        "ipi_geral": criar_regra("IPI", aliquota=D("0")),
        "icms": criar_regra(
            "ICMS",
            uf_origem="SP",
            uf_destino="RJ",
            aliquota=D("12"),
            fcp=D("2"),
            aliquota_interna_destino=D("20"),
            metodo_difal="base_unica",
        ),
        "st": criar_regra("ICMS_ST", ncm="85395000", mva=D("40"), ajustar_mva=True),
        "pis": criar_regra("PIS_COFINS", aliquota_pis=D("1.65"), aliquota_cofins=D("7.6")),
        "unidade": criar_regra("UNIDADE_PRODUTO"),
        "comissao": criar_regra("COMISSAO", percentual=D("3")),
        "minimo": criar_regra("VALOR_MINIMO", valor=D("100")),
        "alcada_rep": criar_regra(
            "ALCADA", percentual_ate=D("5"), nivel_alcada=1, papel_aprovador="Representante"
        ),
        "alcada_sup": criar_regra(
            "ALCADA", percentual_de=D("5"), nivel_alcada=2, papel_aprovador="Supervisor"
        ),
    }


def _testar(client: Any, cliente: Any, catalogo: Catalogo, **extra: str) -> Any:
    params = {
        "cliente": f"{cliente.nome} [#{cliente.pk}]",
        "produto": "LAMP-LED",
        "quantidade": "10",
        "preco_unitario": "20,00",
        "data_pedido": timezone.localdate().strftime("%d/%m/%Y"),
        "empresa": str(catalogo.empresa.pk),
        **extra,
    }
    return client.get(reverse("matrizes:regra-testar"), params)


def test_testar_mostra_a_regra_vencedora_as_candidatas_e_os_impostos(
    client: Any, pessoas: Any, catalogo: Catalogo, cliente_rj: Any, regras: dict[str, Any]
) -> None:
    # given a supervisor testing a lamp sale to a reseller in RJ
    client.force_login(pessoas.usuarios["supervisor"])
    # when the test runs
    resposta = _testar(client, cliente_rj, catalogo)
    # then each matrix shows its answer, with the candidates and the specificity
    assert resposta.status_code == 200
    simulacao = resposta.context["simulacao"]
    por_matriz = {r.matriz: r.resposta for r in simulacao.respostas}
    assert list(por_matriz) == list(
        dict.fromkeys(
            [
                TipoMatriz.IPI,
                TipoMatriz.ICMS,
                TipoMatriz.ICMS_ST,
                TipoMatriz.PIS_COFINS,
                TipoMatriz.PIS_COFINS_REPASSE,
                TipoMatriz.UNIDADE_PRODUTO,
                TipoMatriz.VALOR_MINIMO,
                TipoMatriz.FRETE,
                TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
                TipoMatriz.DESCONTO_ACRESCIMO,
                TipoMatriz.CENARIO_NEGOCIACAO,
                TipoMatriz.NEGOCIACAO,
                TipoMatriz.ALCADA,
                TipoMatriz.COMISSAO,
            ]
        )
    )
    ipi = por_matriz[TipoMatriz.IPI]
    assert ipi.regra == regras["ipi"]
    assert [r.pk for r in ipi.candidatas] == [regras["ipi"].pk, regras["ipi_geral"].pk]
    assert ipi.especificidade == 1
    assert por_matriz[TipoMatriz.ICMS].regra == regras["icms"]
    assert por_matriz[TipoMatriz.ICMS].pergunta.chaves_da_matriz()["uf_destino"] == "RJ"
    assert por_matriz[TipoMatriz.ALCADA].regra == regras["alcada_rep"]  # no discount
    # and the engine computed the item to the cent: IPI 20,00; ICMS 12 % of 200 = 24,00;
    # MVA adjusted 1,40 × 0,88 / 0,80 − 1 = 54 %; ST base R(220 × 1,54) = 338,80;
    # ST R(338,80 × 20 %) − 24,00 = 43,76; total 200 + 20 + 43,76 = 263,76
    item = simulacao.item
    assert (item.v_ipi, item.v_icms, item.mva_st, item.bc_st, item.v_st, item.total) == (
        D("20.00"),
        D("24.00"),
        D("54.00"),
        D("338.80"),
        D("43.76"),
        D("263.76"),
    )
    assert simulacao.resultado.problemas == ()
    conteudo = resposta.content.decode()
    assert f'href="/matrizes/{regras["icms"].pk}/"' in conteudo
    assert "especificidade 2" in conteudo
    assert "R$ 263,76" in conteudo


def test_testar_com_desconto_escolhe_a_faixa_de_alcada(
    client: Any, pessoas: Any, catalogo: Catalogo, cliente_rj: Any, regras: dict[str, Any]
) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _testar(client, cliente_rj, catalogo, percentual_desconto="5,01")
    por_matriz = {r.matriz: r for r in resposta.context["simulacao"].respostas}
    assert por_matriz[TipoMatriz.ALCADA].resposta.regra == regras["alcada_sup"]
    assert "Supervisor" in por_matriz[TipoMatriz.ALCADA].observacao


def test_testar_mostra_empate_como_erro_de_configuracao(
    client: Any, pessoas: Any, catalogo: Catalogo, cliente_rj: Any, regras: dict[str, Any]
) -> None:
    # given a second IPI rule as specific as the NCM one (keyed on the product line)
    outra = criar_regra("IPI", linha=catalogo.eletricos, aliquota=D("8"))
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _testar(client, cliente_rj, catalogo)
    ipi = next(
        r.resposta for r in resposta.context["simulacao"].respostas if r.matriz == TipoMatriz.IPI
    )
    assert ipi.regra is None
    assert {r.pk for r in ipi.empatadas} == {regras["ipi"].pk, outra.pk}
    conteudo = resposta.content.decode()
    assert "empate: erro de configuração" in conteudo
    codigos = [p.codigo for p in resposta.context["simulacao"].resultado.problemas]
    assert "matriz_empate" in codigos


def test_testar_reproduz_uma_data_antiga(
    client: Any, pessoas: Any, catalogo: Catalogo, cliente_rj: Any, regras: dict[str, Any]
) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _testar(client, cliente_rj, catalogo, data_pedido="31/12/2023")
    simulacao = resposta.context["simulacao"]
    assert all(r.resposta.regra is None for r in simulacao.respostas)
    assert "não tem regra vigente em 31/12/2023" in resposta.content.decode()


def test_testar_cliente_sem_endereco_explica(
    client: Any, pessoas: Any, catalogo: Catalogo, regras: dict[str, Any]
) -> None:
    from tests.factories import ClienteFactory

    sem_endereco = ClienteFactory(carteira=pessoas.a, nome="Sem Endereço")
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _testar(client, sem_endereco, catalogo)
    assert resposta.status_code == 200
    assert resposta.context["simulacao"] is None
    assert "não tem endereço" in resposta.context["erro"]


def test_testar_nao_alcanca_cliente_fora_da_visibilidade(
    client: Any, pessoas: Any, catalogo: Catalogo, regras: dict[str, Any]
) -> None:
    from tests.factories import ClienteFactory

    alheio = ClienteFactory(carteira=pessoas.b, nome="Alheio")
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _testar(client, alheio, catalogo)
    assert resposta.context["simulacao"] is None
    assert "cliente" in resposta.context["form"].errors


def test_testar_sem_parametros_mostra_o_formulario(client: Any, pessoas: Any) -> None:
    client.force_login(pessoas.usuarios["admin"])
    resposta = client.get(reverse("matrizes:regra-testar"))
    assert resposta.status_code == 200
    assert resposta.context["simulacao"] is None
    assert 'list="opcoes-cliente"' in resposta.content.decode()


def test_testar_consultas_limitadas(
    client: Any,
    pessoas: Any,
    catalogo: Catalogo,
    cliente_rj: Any,
    regras: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    with django_assert_max_num_queries(25):
        resposta = _testar(client, cliente_rj, catalogo)
    assert resposta.context["simulacao"] is not None


def test_testar_usa_contribuinte_e_consumidor_final_do_cadastro(
    client: Any, pessoas: Any, catalogo: Catalogo, regras: dict[str, Any]
) -> None:
    from cadastro.models import Endereco
    from tests.factories import ClienteFactory

    # given a person (non-contributor, final consumer by default) living in RJ
    pessoa = ClienteFactory(carteira=pessoas.a, nome="Maria Consumidora")
    Endereco.objects.create(
        cliente=pessoa, tipo="principal", logradouro="Rua B", uf="RJ", principal=True
    )
    client.force_login(pessoas.usuarios["supervisor"])
    # when the lamp sale is tested
    simulacao = _testar(client, pessoa, catalogo).context["simulacao"]
    # then IPI enters the ICMS base (220 × 12 % = 26,40) and DIFAL (single base, RJ 20 %)
    # = 44,00 − 26,40 = 17,60, with FCP 2 % of 220 = 4,40
    item = simulacao.item
    assert (simulacao.contexto.contribuinte, simulacao.contexto.consumidor_final) == (False, True)
    assert (item.bc_icms, item.v_icms, item.v_difal, item.v_fcp) == (
        D("220.00"),
        D("26.40"),
        D("17.60"),
        D("4.40"),
    )


def test_testar_pode_sobrepor_o_cadastro(
    client: Any, pessoas: Any, catalogo: Catalogo, cliente_rj: Any, regras: dict[str, Any]
) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    simulacao = _testar(client, cliente_rj, catalogo, consumidor_final="true").context["simulacao"]
    assert simulacao.contexto.consumidor_final is True
    assert simulacao.item.v_icms == D("26.40")  # IPI now in the ICMS base
