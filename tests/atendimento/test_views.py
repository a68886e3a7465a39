"""Ticket screens: visibility (owner / colleague / outsider / SAC / supervisor), permissions,
the new-ticket form (prefill, lookups, refused input kept, fields it does not offer), the
detail actions, the list (filters, query count, export) and the order's SAC tab."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from atendimento.constants import StatusChamado
from atendimento.models import Chamado
from atendimento.services import chamado_encerrar, chamado_iniciar_execucao
from tests.atendimento.conftest import abrir
from tests.factories import ChamadoFactory, ClienteFactory
from tests.vendas.conftest import criar_pedido

pytestmark = pytest.mark.django_db


def _u(cenario, quem):
    return cenario.pessoas.usuarios[quem]


# --- visibility --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quem, esperado",
    [("dono", 200), ("supervisor", 200), ("sac", 200), ("admin", 200), ("colega", 404),
     ("supervisor_outro", 404)],
)  # fmt: skip
def test_detalhe_respeita_a_carteira(client, cenario, registros, quem, esperado):
    # given a ticket of a client of the dono's portfolio
    chamado = abrir(cenario.cliente, _u(cenario, "sac"), registros)
    client.force_login(_u(cenario, quem))
    # when the user opens it
    resp = client.get(reverse("atendimento:chamado-detalhe", args=[chamado.pk]))
    # then only who sees the client sees it
    assert resp.status_code == esperado
    if esperado == 200:
        assert "Lâmpada queimada" in resp.content.decode()


def test_cliente_sem_carteira_so_para_supervisor_e_admin(client, cenario, registros):
    sem_carteira = ClienteFactory(carteira=None)
    chamado = abrir(sem_carteira, _u(cenario, "admin"), registros)
    url = reverse("atendimento:chamado-detalhe", args=[chamado.pk])
    for quem, esperado in (("admin", 200), ("supervisor", 200), ("sac", 404), ("dono", 404)):
        client.force_login(_u(cenario, quem))
        assert client.get(url).status_code == esperado, quem


def test_lista_so_da_carteira(client, cenario, registros):
    do_dono = abrir(cenario.cliente, _u(cenario, "sac"), registros, assunto="Do dono")
    abrir(cenario.cliente_colega, _u(cenario, "sac"), registros, assunto="Do colega")
    client.force_login(_u(cenario, "dono"))
    html = client.get(reverse("atendimento:chamado-lista")).content.decode()
    assert "Do dono" in html and "Do colega" not in html
    assert f'href="/atendimento/{do_dono.pk}/"' in html
    client.force_login(_u(cenario, "sac"))
    html = client.get(reverse("atendimento:chamado-lista")).content.decode()
    assert "Do dono" in html and "Do colega" in html


def test_sem_permissao_recebe_403(client, cenario, registros):
    from tests.factories import UsuarioFactory

    chamado = abrir(cenario.cliente, _u(cenario, "sac"), registros)
    client.force_login(UsuarioFactory(username="sem_papel"))
    for url in (
        reverse("atendimento:chamado-lista"),
        reverse("atendimento:chamado-novo"),
        reverse("atendimento:chamado-detalhe", args=[chamado.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_menu_tem_chamados(client, cenario):
    client.force_login(_u(cenario, "sac"))
    html = client.get(reverse("atendimento:chamado-lista")).content.decode()
    assert 'href="/atendimento/"' in html and ">Chamados<" in html


# --- new ticket --------------------------------------------------------------------------------


def _post(registros, cliente, **extra):
    dados = {
        "cliente": str(cliente.pk),
        "canal": str(registros.canal.pk),
        "forma": "passivo",
        "tipo": str(registros.tipo.pk),
        "motivo": str(registros.motivo.pk),
        "assunto": "Entrega atrasada",
        "descricao": "O cliente aguarda desde segunda.",
    }
    dados.update(extra)
    return dados


def test_rep_abre_chamado_para_o_proprio_cliente(client, cenario, registros):
    client.force_login(_u(cenario, "dono"))
    resp = client.post(reverse("atendimento:chamado-novo"), _post(registros, cenario.cliente))
    chamado = Chamado.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("atendimento:chamado-detalhe", args=[chamado.pk])
    assert chamado.cliente == cenario.cliente and chamado.aberto_por == _u(cenario, "dono")


def test_rep_nao_define_campos_que_o_formulario_nao_oferece(client, cenario, registros):
    client.force_login(_u(cenario, "dono"))
    dados = _post(
        registros, cenario.cliente, status="encerrado", numero="999", versao="7",
        responsavel=str(_u(cenario, "sac").pk), solucao="Nada",
        aberto_por=str(_u(cenario, "sac").pk), primeira_resposta_em="2020-01-01T00:00",
    )  # fmt: skip
    client.post(reverse("atendimento:chamado-novo"), dados)
    chamado = Chamado.objects.get()
    assert chamado.status == StatusChamado.ABERTO
    assert chamado.numero == 1 and chamado.versao == 1
    assert chamado.responsavel is None and chamado.solucao == ""
    assert chamado.aberto_por == _u(cenario, "dono")
    assert chamado.primeira_resposta_em is None


def test_formulario_recusa_cliente_fora_da_carteira_e_mantem_o_digitado(client, cenario, registros):
    client.force_login(_u(cenario, "dono"))
    resp = client.post(
        reverse("atendimento:chamado-novo"), _post(registros, cenario.cliente_colega)
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and Chamado.objects.count() == 0
    assert "Cliente não encontrado na sua carteira." in html
    assert 'value="Entrega atrasada"' in html and "O cliente aguarda desde segunda." in html


def test_formulario_sem_campos_obrigatorios_mostra_mensagens_em_portugues(
    client, cenario, registros
):
    client.force_login(_u(cenario, "sac"))
    resp = client.post(
        reverse("atendimento:chamado-novo"),
        _post(registros, cenario.cliente, assunto="", motivo=str(registros.motivo_outro_tipo.pk)),
    )
    html = resp.content.decode()
    assert "Informe o assunto do chamado." in html
    assert "Escolha um motivo do tipo escolhido." in html
    assert Chamado.objects.count() == 0


def test_pedido_de_outro_cliente_no_post_e_recusado(client, cenario, registros):
    from vendas.services import pedido_criar

    do_colega = pedido_criar(cliente_id=cenario.cliente_colega.pk, ator=_u(cenario, "colega"))
    client.force_login(_u(cenario, "sac"))
    resp = client.post(
        reverse("atendimento:chamado-novo"),
        _post(registros, cenario.cliente, pedido=str(do_colega.pedido.pk)),
    )
    assert resp.status_code == 200 and Chamado.objects.count() == 0
    assert "Escolha um pedido ou orçamento do cliente." in resp.content.decode()


def test_novo_prefill_com_cliente_e_pedido(client, cenario, registros):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(_u(cenario, "sac"))
    url = reverse("atendimento:chamado-novo")
    html = client.get(url, {"cliente": cenario.cliente.pk, "pedido": pedido.pk}).content.decode()
    assert cenario.cliente.nome in html
    assert f'<option value="{pedido.pk}" selected>' in html
    # a client the user does not see is not prefilled
    client.force_login(_u(cenario, "colega"))
    html = client.get(url, {"cliente": cenario.cliente.pk, "pedido": pedido.pk}).content.decode()
    assert cenario.cliente.nome not in html


def test_busca_de_cliente_so_da_carteira(client, cenario):
    client.force_login(_u(cenario, "dono"))
    url = reverse("atendimento:chamado-cliente")
    html = client.get(url, {"q": "Loja do Colega"}).content.decode()
    assert "data-cliente=" not in html and "Nenhum cliente" in html
    html = client.get(url, {"q": "Mercado"}).content.decode()
    assert "Mercado Bom Preço" in html
    # picking a client the user does not see gives the empty lookup back
    html = client.get(url, {"cliente": cenario.cliente_colega.pk}).content.decode()
    assert "Loja do Colega" not in html and 'id="busca-cliente"' in html
    assert "data-cliente=" not in client.get(url, {"q": "Loja"}).content.decode()


def test_motivos_dependem_do_tipo(client, cenario, registros):
    client.force_login(_u(cenario, "dono"))
    url = reverse("atendimento:chamado-motivos")
    html = client.get(url, {"tipo": registros.outro_tipo.pk}).content.decode()
    assert "Não recebimento da mercadoria" in html and "Produto com defeito" not in html


def test_busca_de_produto(client, cenario):
    client.force_login(_u(cenario, "dono"))
    url = reverse("atendimento:chamado-produto")
    html = client.get(url, {"q": "lampada"}).content.decode()
    assert "LAMP-LED" in html and "PAR-001" not in html
    html = client.get(url, {"produto": cenario.lampada.pk}).content.decode()
    assert f'name="produto" value="{cenario.lampada.pk}"' in html


# --- detail actions ----------------------------------------------------------------------------


def test_sac_inicia_e_encerra_pela_tela(client, cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, _u(cenario, "dono"), registros)
    client.force_login(sac)
    resp = client.post(
        reverse("atendimento:chamado-iniciar", args=[chamado.pk]),
        {"versao": "1", "responsavel": str(sac.pk)},
    )
    assert resp.status_code == 302
    chamado.refresh_from_db()
    assert chamado.status == StatusChamado.EM_EXECUCAO
    # closing without a solution: refused, the page again
    url = reverse("atendimento:chamado-encerrar", args=[chamado.pk])
    resp = client.post(url, {"versao": str(chamado.versao), "solucao": ""})
    assert resp.status_code == 422
    assert "Informe a solução para encerrar o chamado." in resp.content.decode()
    resp = client.post(url, {"versao": str(chamado.versao), "solucao": "Reenviado"})
    chamado.refresh_from_db()
    assert chamado.status == StatusChamado.ENCERRADO and chamado.solucao == "Reenviado"
    html = client.get(reverse("atendimento:chamado-detalhe", args=[chamado.pk])).content.decode()
    assert "Reabrir chamado" in html and "Encerrado" in html


def test_conflito_mostra_quem_alterou_e_mantem_o_digitado(client, cenario, registros):
    sac, supervisor = _u(cenario, "sac"), _u(cenario, "supervisor")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=supervisor, responsavel_id=supervisor.pk
    )
    client.force_login(sac)
    resp = client.post(
        reverse("atendimento:chamado-cancelar", args=[chamado.pk]),
        {"versao": "1", "motivo": "Aberto em duplicidade"},
    )
    html = resp.content.decode()
    assert resp.status_code == 422
    assert f"foi alterado por {supervisor.get_full_name()}" in html
    assert "Aberto em duplicidade" in html


@pytest.mark.parametrize("quem, esperado", [("dono", 403), ("colega", 404), ("sac", 302)])
def test_acoes_exigem_visibilidade_e_permissao(client, cenario, registros, quem, esperado):
    chamado = abrir(cenario.cliente, _u(cenario, "dono"), registros)
    client.force_login(_u(cenario, quem))
    resp = client.post(
        reverse("atendimento:chamado-comentar", args=[chamado.pk]), {"texto": "Liguei."}
    )
    assert resp.status_code == esperado
    assert chamado.eventos.filter(tipo="comentario").exists() is (esperado == 302)


def test_tarefa_pela_tela(client, cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado_iniciar_execucao(chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk)
    client.force_login(sac)
    resp = client.post(
        reverse("atendimento:chamado-tarefa-adicionar", args=[chamado.pk]),
        {"descricao": "Coletar", "responsavel": str(sac.pk), "data_prevista": "2000-01-01"},
    )
    assert resp.status_code == 422 and "não pode estar no passado" in resp.content.decode()
    from django.utils import timezone

    client.post(
        reverse("atendimento:chamado-tarefa-adicionar", args=[chamado.pk]),
        {"descricao": "Coletar", "responsavel": str(sac.pk),
         "data_prevista": timezone.localdate().isoformat()},
    )  # fmt: skip
    tarefa = chamado.tarefas.get()
    client.post(reverse("atendimento:chamado-tarefa-concluir", args=[chamado.pk, tarefa.pk]))
    tarefa.refresh_from_db()
    assert tarefa.concluida_em is not None


def test_detalhe_mostra_tempos_e_historico(client, cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk
    )
    chamado_encerrar(chamado_id=chamado.pk, versao=chamado.versao, ator=sac, solucao="Feito")
    client.force_login(_u(cenario, "dono"))
    html = client.get(reverse("atendimento:chamado-detalhe", args=[chamado.pk])).content.decode()
    assert "Tempo de resposta" in html and "0 min" in html
    assert "Execução iniciada" in html and "Chamado encerrado" in html
    assert "Iniciar execução" not in html and "Reabrir chamado" not in html  # rep reads only


# --- list --------------------------------------------------------------------------------------


def test_filtros_da_lista(client, cenario, registros):
    sac = _u(cenario, "sac")
    outro = ClienteFactory(carteira=cenario.pessoas.a, nome="Outro Cliente")
    a = abrir(cenario.cliente, sac, registros, assunto="Primeiro")
    abrir(outro, sac, registros, assunto="Segundo")
    chamado_iniciar_execucao(chamado_id=a.pk, versao=1, ator=sac, responsavel_id=sac.pk)
    client.force_login(sac)
    url = reverse("atendimento:chamado-lista")

    def assuntos(**filtros):
        html = client.get(url, filtros).content.decode()
        return {s for s in ("Primeiro", "Segundo") if s in html}

    assert assuntos(cliente=cenario.cliente.pk) == {"Primeiro"}
    assert assuntos(status="em_execucao") == {"Primeiro"}
    assert assuntos(status="pendentes") == {"Primeiro", "Segundo"}
    assert assuntos(responsavel=sac.pk) == {"Primeiro"}
    assert assuntos(busca="segundo") == {"Segundo"}
    assert assuntos(meus="on") == {"Primeiro", "Segundo"}
    assert assuntos(atrasados="on") == set()
    Chamado.objects.filter(assunto="Segundo").update(prazo="2020-01-01T00:00Z")
    assert assuntos(atrasados="on") == {"Segundo"}


def test_lista_vazia(client, cenario):
    client.force_login(_u(cenario, "dono"))
    html = client.get(reverse("atendimento:chamado-lista")).content.decode()
    assert "Nenhum chamado encontrado." in html and "Novo chamado" in html


@pytest.mark.parametrize("n", [1, 30])
def test_lista_nao_cresce_em_consultas(
    client, cenario, registros, django_assert_max_num_queries, n
):
    ChamadoFactory.create_batch(
        n, cliente=cenario.cliente, canal=registros.canal, motivo=registros.motivo,
        responsavel=_u(cenario, "sac"),
    )  # fmt: skip
    client.force_login(_u(cenario, "dono"))
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("atendimento:chamado-lista"), {"por_pagina": 25})
    assert resp.status_code == 200


def test_paginacao(client, cenario, registros):
    ChamadoFactory.create_batch(12, cliente=cenario.cliente, canal=registros.canal,
                                motivo=registros.motivo)  # fmt: skip
    client.force_login(_u(cenario, "sac"))
    html = client.get(reverse("atendimento:chamado-lista"), {"por_pagina": 10}).content.decode()
    assert "cursor=" in html


def test_exportacao_respeita_a_carteira(client, cenario, registros):
    abrir(cenario.cliente, _u(cenario, "sac"), registros, assunto="Do dono")
    abrir(cenario.cliente_colega, _u(cenario, "sac"), registros, assunto="Do colega")
    client.force_login(_u(cenario, "dono"))
    resp = client.get(reverse("atendimento:chamado-exportar"))
    assert resp.status_code == 200
    planilha = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    linhas = list(planilha.iter_rows(values_only=True))
    assert linhas[0][0] == "Número"
    assuntos = [linha[4] for linha in linhas[1:]]
    assert assuntos == ["Do dono"]
    assert isinstance(linhas[1][0], int)


def test_detalhe_mostra_os_titulos_do_cliente(client, cenario, registros):
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth.models import Permission

    from tests.factories import TituloReceberFactory

    # given a client with one overdue title (R$ 150,00, 10 days late) and one not yet due
    hoje = dt.date.today()
    TituloReceberFactory(cliente=cenario.cliente, valor=Decimal("150.00"),
                         emissao=hoje - dt.timedelta(days=40),
                         vencimento=hoje - dt.timedelta(days=10))  # fmt: skip
    TituloReceberFactory(cliente=cenario.cliente, valor=Decimal("50.00"))
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    client.force_login(sac)
    # when the SAC agent opens the ticket
    html = client.get(reverse("atendimento:chamado-detalhe", args=[chamado.pk])).content.decode()
    # then the client's receivables are summed up beside it, with the way to the titles
    assert "Títulos do cliente" in html
    assert "R$ 200,00" in html and "R$ 150,00" in html and "maior atraso 10 dias" in html
    assert f"/clientes/{cenario.cliente.pk}/?aba=financeiro" in html
    # and not for someone who may not see receivables
    for grupo in sac.groups.all():
        grupo.permissions.remove(Permission.objects.get(codename="view_tituloreceber"))
    sac = type(sac).objects.get(pk=sac.pk)
    client.force_login(sac)
    html = client.get(reverse("atendimento:chamado-detalhe", args=[chamado.pk])).content.decode()
    assert "Títulos do cliente" not in html
