"""Sales funnel: services (create, edit, move, close, reopen, quote, conversion), every view with
owner / colleague / outsider, fields a POST cannot set, and query counts of list and board."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import ClienteFactory
from tests.vendas.conftest import Cenario
from vendas.constants import ResultadoEtapa, TipoDocumento, TipoEventoOportunidade
from vendas.models import EtapaFunil, EventoOportunidade, MotivoPerda, Oportunidade, Pedido
from vendas.services.oportunidades import (
    ConflitoOportunidade,
    ErroOportunidade,
    oportunidade_alterar,
    oportunidade_criar,
    oportunidade_criar_orcamento,
    oportunidade_mover_etapa,
    oportunidade_reabrir,
    oportunidade_registrar_conversao,
)

D = Decimal
pytestmark = pytest.mark.django_db

LEITURA = [("dono", 200), ("supervisor", 200), ("admin", 200), ("sac", 200),
           ("colega", 404), ("supervisor_outro", 404)]  # fmt: skip
ESCRITA = [("dono", 302), ("supervisor", 302), ("admin", 302), ("colega", 404),
           ("supervisor_outro", 404), ("sac", 403)]  # fmt: skip


@dataclass
class Funil:
    prospeccao: EtapaFunil
    proposta: EtapaFunil
    ganha: EtapaFunil
    perdida: EtapaFunil
    motivo: MotivoPerda


@pytest.fixture
def funil(db: Any) -> Funil:
    def etapa(codigo: str, ordem: int, prob: str, resultado: str = ResultadoEtapa.ABERTA):
        return EtapaFunil.objects.create(
            codigo=codigo, descricao=codigo.title(), ordem=ordem, probabilidade=D(prob),
            resultado=resultado,
        )  # fmt: skip

    return Funil(
        prospeccao=etapa("PROSPECCAO", 10, "10"),
        proposta=etapa("PROPOSTA", 30, "50"),
        ganha=etapa("GANHA", 90, "100", ResultadoEtapa.GANHA),
        perdida=etapa("PERDIDA", 91, "0", ResultadoEtapa.PERDIDA),
        motivo=MotivoPerda.objects.create(codigo="PRECO", descricao="Preço"),
    )


def criar(cenario: Cenario, quem: str = "dono", **dados: Any) -> Oportunidade:
    dados.setdefault("titulo", "Reposição de lâmpadas")
    dados.setdefault("valor_estimado", D("1000.00"))
    return oportunidade_criar(
        cliente_id=cenario.cliente.pk, ator=cenario.pessoas.usuarios[quem], dados=dados
    )


def usuario(cenario: Cenario, quem: str) -> Any:
    return cenario.pessoas.usuarios[quem]


# --- services -------------------------------------------------------------------------------


def test_criar_define_representante_etapa_probabilidade_e_evento(cenario, funil) -> None:
    # when the supervisor registers an opportunity for dono's client
    op = criar(cenario, "supervisor")
    # then the rep is the portfolio owner, the first open stage and its probability apply
    assert op.representante == cenario.dono
    assert op.etapa == funil.prospeccao and op.probabilidade == D("10")
    assert op.resultado == ResultadoEtapa.ABERTA and op.versao == 1
    evento = op.eventos.get()
    assert evento.tipo == TipoEventoOportunidade.CRIADA and evento.ator == usuario(
        cenario, "supervisor"
    )


def test_rep_nao_cria_para_cliente_fora_da_carteira(cenario, funil) -> None:
    with pytest.raises(ErroOportunidade, match="carteira"):
        oportunidade_criar(
            cliente_id=cenario.cliente_colega.pk, ator=cenario.dono, dados={"titulo": "X"}
        )
    assert not Oportunidade.objects.exists()


def test_servico_recusa_campos_que_nao_sao_digitaveis(cenario, funil) -> None:
    with pytest.raises(ErroOportunidade, match="não editáveis"):
        criar(cenario, resultado=ResultadoEtapa.GANHA)
    op = criar(cenario)
    with pytest.raises(ErroOportunidade, match="não editáveis"):
        oportunidade_alterar(
            oportunidade_id=op.pk, versao=1, ator=cenario.dono,
            dados={"representante": usuario(cenario, "colega")},
        )  # fmt: skip


def test_nao_comeca_em_etapa_de_fechamento(cenario, funil) -> None:
    with pytest.raises(ErroOportunidade, match="em andamento"):
        oportunidade_criar(
            cliente_id=cenario.cliente.pk, ator=cenario.dono, etapa_id=funil.ganha.pk,
            dados={"titulo": "X"},
        )  # fmt: skip


def test_alterar_grava_o_que_mudou_e_sobe_versao(cenario, funil) -> None:
    op = criar(cenario)
    op = oportunidade_alterar(
        oportunidade_id=op.pk, versao=1, ator=cenario.dono,
        dados={"valor_estimado": D("2500.50"), "titulo": op.titulo},
    )  # fmt: skip
    assert op.versao == 2 and op.valor_estimado == D("2500.50")
    evento = op.eventos.filter(tipo=TipoEventoOportunidade.ALTERADA).get()
    assert set(evento.dados["campos"]) == {"valor_estimado"}
    assert evento.dados["campos"]["valor_estimado"]["para_texto"] == "2.500,50"


def test_mover_grava_de_para_e_usa_probabilidade_da_etapa(cenario, funil) -> None:
    op = criar(cenario)
    op = oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=1, ator=cenario.dono
    )
    assert op.etapa == funil.proposta and op.probabilidade == D("50") and op.versao == 2
    evento = op.eventos.filter(tipo=TipoEventoOportunidade.ETAPA_ALTERADA).get()
    assert evento.dados["de"] == "Prospeccao" and evento.dados["para"] == "Proposta"


def test_versao_antiga_e_recusada_nomeando_quem_alterou(cenario, funil) -> None:
    op = criar(cenario)
    supervisor = usuario(cenario, "supervisor")
    oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=1, ator=supervisor
    )
    # when dono, still looking at version 1, moves it
    with pytest.raises(ConflitoOportunidade) as erro:
        oportunidade_mover_etapa(
            oportunidade_id=op.pk, etapa_id=funil.ganha.pk, versao=1, ator=cenario.dono
        )
    # then the message names the supervisor and nothing changed
    assert supervisor.get_full_name() in erro.value.mensagem
    op.refresh_from_db()
    assert op.etapa == funil.proposta and op.resultado == ResultadoEtapa.ABERTA


def test_ganhar_fecha_e_so_reabre_explicitamente(cenario, funil) -> None:
    op = criar(cenario)
    op = oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.ganha.pk, versao=1, ator=cenario.dono
    )
    assert op.resultado == ResultadoEtapa.GANHA and op.fechada_em is not None
    assert op.eventos.filter(tipo=TipoEventoOportunidade.GANHA).exists()
    with pytest.raises(ErroOportunidade, match="reabra"):
        oportunidade_mover_etapa(
            oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=op.versao, ator=cenario.dono
        )
    op = oportunidade_reabrir(
        oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=op.versao, ator=cenario.dono
    )
    assert op.resultado == ResultadoEtapa.ABERTA and op.fechada_em is None
    assert op.eventos.filter(tipo=TipoEventoOportunidade.REABERTA).exists()


def test_perder_exige_motivo(cenario, funil) -> None:
    op = criar(cenario)
    with pytest.raises(ErroOportunidade, match="motivo"):
        oportunidade_mover_etapa(
            oportunidade_id=op.pk, etapa_id=funil.perdida.pk, versao=1, ator=cenario.dono
        )
    op = oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.perdida.pk, versao=1, ator=cenario.dono,
        motivo_perda_id=funil.motivo.pk,
    )  # fmt: skip
    assert op.resultado == ResultadoEtapa.PERDIDA and op.motivo_perda == funil.motivo
    assert op.eventos.get(tipo=TipoEventoOportunidade.PERDIDA).dados["motivo"] == "Preço"


def test_colega_nao_move_oportunidade_que_nao_ve(cenario, funil) -> None:
    op = criar(cenario)
    with pytest.raises(ErroOportunidade, match="não encontrada"):
        oportunidade_mover_etapa(
            oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=1,
            ator=usuario(cenario, "colega"),
        )  # fmt: skip


def test_novo_orcamento_vinculado_e_conversao_registrada(cenario, funil) -> None:
    op = criar(cenario)
    calculo = oportunidade_criar_orcamento(oportunidade_id=op.pk, ator=cenario.dono)
    orcamento = calculo.pedido
    assert orcamento.tipo == TipoDocumento.ORCAMENTO and orcamento.oportunidade_id == op.pk
    assert orcamento.cliente_id == op.cliente_id
    vinculo = op.eventos.get(tipo=TipoEventoOportunidade.ORCAMENTO_VINCULADO)
    assert vinculo.dados["numero"] == orcamento.numero
    # when the other helper's conversion calls back with the new order
    pedido = oportunidade_criar_orcamento(oportunidade_id=op.pk, ator=cenario.dono).pedido
    Pedido.objects.filter(pk=pedido.pk).update(tipo=TipoDocumento.PEDIDO, oportunidade=None)
    pedido.refresh_from_db()
    evento = oportunidade_registrar_conversao(orcamento=orcamento, pedido=pedido, ator=cenario.dono)
    # then the opportunity records it and the order is linked too
    assert evento is not None and evento.tipo == TipoEventoOportunidade.ORCAMENTO_CONVERTIDO
    assert evento.dados["numero_pedido"] == pedido.numero
    pedido.refresh_from_db()
    assert pedido.oportunidade_id == op.pk


def test_conversao_de_orcamento_sem_oportunidade_nao_faz_nada(cenario, funil) -> None:
    from tests.vendas.conftest import criar_pedido

    orcamento = criar_pedido(cenario)
    assert (
        oportunidade_registrar_conversao(orcamento=orcamento, pedido=orcamento, ator=cenario.dono)
        is None
    )
    assert not EventoOportunidade.objects.exists()


def test_oportunidade_fechada_nao_recebe_orcamento(cenario, funil) -> None:
    op = criar(cenario)
    oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.ganha.pk, versao=1, ator=cenario.dono
    )
    with pytest.raises(ErroOportunidade, match="em andamento"):
        oportunidade_criar_orcamento(oportunidade_id=op.pk, ator=cenario.dono)


# --- views: access --------------------------------------------------------------------------


@pytest.mark.parametrize(("quem", "esperado"), LEITURA)
def test_detalhe_respeita_a_carteira(client, cenario, funil, quem, esperado) -> None:
    op = criar(cenario)
    client.force_login(usuario(cenario, quem))
    resp = client.get(reverse("vendas:oportunidade-detalhe", args=[op.pk]))
    assert resp.status_code == esperado
    if esperado == 200:
        html = resp.content.decode()
        assert op.titulo in html and "Histórico" in html and "<script>" not in html


@pytest.mark.parametrize(("quem", "esperado"), ESCRITA)
def test_mover_respeita_a_carteira(client, cenario, funil, quem, esperado) -> None:
    op = criar(cenario)
    client.force_login(usuario(cenario, quem))
    resp = client.post(
        reverse("vendas:oportunidade-mover", args=[op.pk]),
        {"etapa": funil.proposta.pk, "versao": 1},
    )
    assert resp.status_code == esperado
    op.refresh_from_db()
    assert (op.etapa == funil.proposta) is (esperado == 302)


@pytest.mark.parametrize(("quem", "esperado"), ESCRITA)
def test_editar_respeita_a_carteira(client, cenario, funil, quem, esperado) -> None:
    op = criar(cenario)
    client.force_login(usuario(cenario, quem))
    resp = client.post(
        reverse("vendas:oportunidade-editar", args=[op.pk]),
        {"titulo": "Novo título", "valor_estimado": "10,00", "versao": 1},
    )
    assert resp.status_code == esperado
    op.refresh_from_db()
    assert (op.titulo == "Novo título") is (esperado == 302)


@pytest.mark.parametrize(("quem", "esperado"), ESCRITA)
def test_reabrir_respeita_a_carteira(client, cenario, funil, quem, esperado) -> None:
    op = criar(cenario)
    op = oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.ganha.pk, versao=1, ator=cenario.dono
    )
    client.force_login(usuario(cenario, quem))
    resp = client.post(
        reverse("vendas:oportunidade-reabrir", args=[op.pk]),
        {"etapa": funil.prospeccao.pk, "versao": op.versao},
    )
    assert resp.status_code == esperado
    op.refresh_from_db()
    assert (op.resultado == ResultadoEtapa.ABERTA) is (esperado == 302)


@pytest.mark.parametrize(("quem", "esperado"), ESCRITA)
def test_novo_orcamento_respeita_a_carteira(client, cenario, funil, quem, esperado) -> None:
    op = criar(cenario)
    client.force_login(usuario(cenario, quem))
    resp = client.post(reverse("vendas:oportunidade-orcamento", args=[op.pk]))
    assert resp.status_code == esperado
    criado = Pedido.objects.filter(oportunidade=op).first()
    assert (criado is not None) is (esperado == 302)
    if criado:
        assert resp["Location"] == reverse("vendas:pedido-detalhe", args=[criado.pk])


def test_nova_oportunidade_pelo_formulario(client, cenario, funil) -> None:
    client.force_login(cenario.dono)
    resp = client.post(
        reverse("vendas:oportunidade-nova"),
        {
            "cliente": cenario.cliente.pk, "etapa": funil.proposta.pk, "titulo": "Kit LED",
            "valor_estimado": "1.234,56", "previsao_fechamento": "2030-01-31",
            # not form fields: ignored
            "representante": usuario(cenario, "colega").pk, "resultado": "ganha",
            "fechada_em": "2020-01-01 00:00", "versao": "99",
        },
    )  # fmt: skip
    op = Oportunidade.objects.get()
    assert resp.status_code == 302
    assert op.representante == cenario.dono and op.resultado == ResultadoEtapa.ABERTA
    assert op.fechada_em is None and op.versao == 1 and op.valor_estimado == D("1234.56")
    assert op.etapa == funil.proposta and op.probabilidade == D("50")


def test_formulario_recusa_cliente_fora_da_carteira_e_mantem_o_digitado(
    client, cenario, funil
) -> None:
    client.force_login(cenario.dono)
    resp = client.post(
        reverse("vendas:oportunidade-nova"),
        {"cliente": cenario.cliente_colega.pk, "etapa": funil.prospeccao.pk,
         "titulo": "Tentativa", "valor_estimado": "10"},
    )  # fmt: skip
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Cliente não encontrado na sua carteira." in html and 'value="Tentativa"' in html
    assert not Oportunidade.objects.exists()


def test_edicao_nao_altera_representante_nem_resultado(client, cenario, funil) -> None:
    op = criar(cenario)
    client.force_login(cenario.dono)
    client.post(
        reverse("vendas:oportunidade-editar", args=[op.pk]),
        {"titulo": "T", "valor_estimado": "5", "versao": 1, "resultado": "ganha",
         "representante": usuario(cenario, "colega").pk, "cliente": cenario.cliente_colega.pk,
         "fechada_em": "2020-01-01 00:00"},
    )  # fmt: skip
    op.refresh_from_db()
    assert op.titulo == "T" and op.resultado == ResultadoEtapa.ABERTA
    assert op.representante == cenario.dono and op.cliente == cenario.cliente
    assert op.fechada_em is None


def test_sac_le_mas_nao_cria(client, cenario, funil) -> None:
    client.force_login(usuario(cenario, "sac"))
    assert client.get(reverse("vendas:oportunidade-lista")).status_code == 200
    assert client.get(reverse("vendas:oportunidade-funil")).status_code == 200
    assert client.get(reverse("vendas:oportunidade-nova")).status_code == 403


def test_lista_e_exportacao_so_da_carteira(client, cenario, funil) -> None:
    criar(cenario, titulo="Do dono")
    oportunidade_criar(
        cliente_id=cenario.cliente_colega.pk, ator=usuario(cenario, "colega"),
        dados={"titulo": "Do colega", "valor_estimado": D("5")},
    )  # fmt: skip
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:oportunidade-lista")).content.decode()
    assert "Do dono" in html and "Do colega" not in html
    resp = client.get(reverse("vendas:oportunidade-exportar"))
    assert resp.status_code == 200 and resp["X-Exportacao-Linhas"] == "1"
    # filters
    html = client.get(reverse("vendas:oportunidade-lista"), {"resultado": "ganha"}).content.decode()
    assert "Nenhuma oportunidade encontrada." in html


def test_funil_mostra_colunas_totais_e_move_por_htmx(client, cenario, funil) -> None:
    op = criar(cenario, valor_estimado=D("1000"))
    criar(cenario, titulo="Outra", valor_estimado=D("500"))
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:oportunidade-funil")).content.decode()
    assert "Prospeccao" in html and "R$ 1.500,00" in html and "ponderado R$ 150,00" in html
    assert "Ganha</h2>" not in html  # closing stages are not columns
    resp = client.post(
        reverse("vendas:oportunidade-mover", args=[op.pk]),
        {"etapa": funil.proposta.pk, "versao": 1, "voltar": "funil"},
        HTTP_HX_REQUEST="true",
    )
    parcial = resp.content.decode()
    assert resp.status_code == 200 and parcial.startswith("{# htmx") is False
    assert 'id="funil-quadro"' in parcial and "agora está em Proposta" in parcial
    assert "<html" not in parcial


def test_funil_conflito_mostra_quem_alterou(client, cenario, funil) -> None:
    op = criar(cenario)
    supervisor = usuario(cenario, "supervisor")
    oportunidade_mover_etapa(
        oportunidade_id=op.pk, etapa_id=funil.proposta.pk, versao=1, ator=supervisor
    )
    client.force_login(cenario.dono)
    resp = client.post(
        reverse("vendas:oportunidade-mover", args=[op.pk]),
        {"etapa": funil.ganha.pk, "versao": 1, "voltar": "funil"},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert 'role="alert"' in html and supervisor.get_full_name() in html
    op.refresh_from_db()
    assert op.resultado == ResultadoEtapa.ABERTA


# --- query counts ---------------------------------------------------------------------------


def _muitas(cenario: Cenario, funil: Funil, n: int) -> None:
    clientes = [cenario.cliente] + [ClienteFactory(carteira=cenario.pessoas.a) for _ in range(3)]
    etapas = [funil.prospeccao, funil.proposta]
    Oportunidade.objects.bulk_create(
        Oportunidade(
            titulo=f"Op {i}",
            empresa=cenario.dono.empresa,
            cliente=clientes[i % 4],
            representante=cenario.dono,
            etapa=etapas[i % 2],
            valor_estimado=D(100 + i),
            probabilidade=D(10),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("n", [5, 50])
def test_lista_nao_cresce_em_consultas(client, cenario, funil, django_assert_max_num_queries, n):
    _muitas(cenario, funil, n)
    client.force_login(cenario.dono)
    with django_assert_max_num_queries(11):
        resp = client.get(reverse("vendas:oportunidade-lista"), {"por_pagina": 50})
    assert resp.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_funil_nao_cresce_em_consultas(client, cenario, funil, django_assert_max_num_queries, n):
    _muitas(cenario, funil, n)
    client.force_login(cenario.dono)
    # session, user, permissions (2), the rep's portfolios, the menu's groups, the rep filter,
    # stages, column totals, cards (windowed), loss reasons: 11 whatever the number of cards
    with django_assert_max_num_queries(11):
        resp = client.get(reverse("vendas:oportunidade-funil"))
    assert resp.status_code == 200
    assert resp.content.decode().count('class="funil-cartao"') == n


def test_conversao_pelo_servico_de_orcamentos_registra_na_oportunidade(cenario, funil) -> None:
    from vendas.services.orcamentos import orcamento_converter

    op = criar(cenario)
    orcamento = oportunidade_criar_orcamento(oportunidade_id=op.pk, ator=cenario.dono).pedido
    from vendas.services import item_adicionar

    calculo = item_adicionar(
        pedido_id=orcamento.pk, versao=orcamento.versao, produto=cenario.lampada,
        quantidade=D("3"), ator=cenario.dono,
    )  # fmt: skip
    pedido = orcamento_converter(
        orcamento_id=orcamento.pk, versao=calculo.pedido.versao, ator=cenario.dono
    ).pedido
    evento = op.eventos.get(tipo=TipoEventoOportunidade.ORCAMENTO_CONVERTIDO)
    assert evento.dados["pedido"] == pedido.pk and evento.dados["orcamento"] == orcamento.pk
    assert pedido.oportunidade_id == op.pk
