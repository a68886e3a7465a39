"""Printable proposal and sales map (PDF in a Celery task, progress in a row), downloads only
for who sees the order, and the order e-mailed only to a channel the client consented to."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from cadastro.models import ContatoEletronico, EventoConsentimento
from tests.vendas.conftest import Cenario, criar_pedido
from vendas.constants import TipoEventoPedido
from vendas.models import DocumentoGerado, StatusJob
from vendas.services import documento_solicitar, pedido_enviar_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midia(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def entrar(client: Any, cenario: Cenario, quem: str) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])


def _proposta(cenario: Cenario, django_capture_on_commit_callbacks: Any, tipo: str = "proposta"):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    with django_capture_on_commit_callbacks(execute=True):
        documento = documento_solicitar(pedido_id=pedido.pk, tipo=tipo, ator=cenario.dono)
    documento.refresh_from_db()
    return pedido, documento


@pytest.mark.parametrize("tipo", ["proposta", "mapa"])
def test_pdf_gerado_pela_tarefa_com_progresso_e_evento(
    cenario, django_capture_on_commit_callbacks, tipo
) -> None:
    # given an order; when the rep asks for its PDF (the task runs on commit)
    pedido, documento = _proposta(cenario, django_capture_on_commit_callbacks, tipo)
    # then the row says it is ready, 100 %, with its pages, and the file is a PDF
    assert documento.status == StatusJob.PRONTO and documento.progresso == 100
    assert documento.paginas == 1
    with documento.arquivo.open("rb") as arquivo:
        assert arquivo.read(5) == b"%PDF-"
    # and both the request and the result are events of the order
    tipos = set(pedido.eventos.values_list("tipo", flat=True))
    assert {TipoEventoPedido.DOCUMENTO_SOLICITADO, TipoEventoPedido.DOCUMENTO_GERADO} <= tipos


def test_html_da_proposta_tem_empresa_cnpj_paginas_e_valores_ptbr(cenario) -> None:
    from vendas import pdf
    from vendas.selectors import pedido_itens

    # given an order of R$ 60,00 + taxes
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    pedido.refresh_from_db()
    # when the proposal's HTML is rendered
    html = pdf.html("proposta", pedido, pedido_itens(pedido))
    # then it carries the company, its CNPJ, the logo, the page counter and pt-BR values
    empresa = pedido.empresa
    assert empresa.nome in html and empresa.cnpj_formatado in html
    assert "data:image/svg+xml;base64," in html
    assert 'counter(page) " de " counter(pages)' in html and "size: A4" in html
    assert "R$ 60,00" in html and "LAMP-LED" in html and cenario.cliente.nome in html


def test_pdf_de_20_paginas_conta_as_paginas(cenario) -> None:
    from vendas import pdf

    # given a long list of rows
    linhas = "".join(f"<p>linha {n}</p>" for n in range(900))
    # when rendered
    dados, paginas = pdf.pdf(f"<html><body>{linhas}</body></html>")
    # then the page count is WeasyPrint's, not a guess
    assert dados.startswith(b"%PDF-") and paginas > 10


def test_falha_na_geracao_fica_registrada(cenario, django_capture_on_commit_callbacks, monkeypatch):
    from vendas import pdf

    def quebra(_html: str) -> Any:
        raise RuntimeError("sem fontes")

    monkeypatch.setattr(pdf, "pdf", quebra)
    # given a render that fails; when the task runs
    pedido, documento = _proposta(cenario, django_capture_on_commit_callbacks)
    # then the row says why, and the order has the failure event
    assert documento.status == StatusJob.ERRO and "sem fontes" in documento.erro
    assert pedido.eventos.filter(tipo=TipoEventoPedido.DOCUMENTO_FALHOU).exists()


def test_tarefa_reentregue_nao_gera_de_novo(cenario, django_capture_on_commit_callbacks) -> None:
    from vendas.tasks import gerar_documento

    # given a document already rendered
    pedido, documento = _proposta(cenario, django_capture_on_commit_callbacks)
    nome = documento.arquivo.name
    # when the broker delivers the task again
    gerar_documento(documento.pk)
    # then nothing is rendered again
    documento.refresh_from_db()
    assert documento.arquivo.name == nome
    assert pedido.eventos.filter(tipo=TipoEventoPedido.DOCUMENTO_GERADO).count() == 1


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("dono", 200), ("supervisor", 200), ("colega", 404), ("supervisor_outro", 404)],
)
def test_baixar_pdf_so_quem_ve_o_pedido(
    client, cenario, django_capture_on_commit_callbacks, quem, esperado
) -> None:
    # given a ready proposal of dono's order
    pedido, documento = _proposta(cenario, django_capture_on_commit_callbacks)
    entrar(client, cenario, quem)
    # when someone opens its download URL
    resp = client.get(reverse("vendas:documento-baixar", args=[pedido.pk, documento.pk]))
    # then only who sees the order gets the PDF; a colleague gets 404
    assert resp.status_code == esperado
    if esperado == 200:
        assert resp["Content-Type"] == "application/pdf"
        assert b"".join(resp.streaming_content).startswith(b"%PDF-")
        assert resp["Content-Disposition"].startswith("attachment;")
        assert f"proposta-{pedido.numero}-v" in resp["Content-Disposition"]


def test_pdf_de_outro_pedido_pela_url_do_meu_e_404(
    client, cenario, django_capture_on_commit_callbacks
) -> None:
    # given a proposal of order A and another order B of the same rep
    _pedido, documento = _proposta(cenario, django_capture_on_commit_callbacks)
    outro = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    # when the document is asked under the other order's URL
    resp = client.get(reverse("vendas:documento-baixar", args=[outro.pk, documento.pk]))
    # then it is not found
    assert resp.status_code == 404


@pytest.mark.parametrize(
    ("quem", "esperado"), [("dono", 200), ("supervisor", 200), ("colega", 404), ("sac", 200)]
)
def test_gerar_pdf_pela_tela(
    client, cenario, django_capture_on_commit_callbacks, quem, esperado
) -> None:
    # given dono's order
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    entrar(client, cenario, quem)
    # when someone asks for the proposal from the Documentos tab
    with django_capture_on_commit_callbacks(execute=True) as tarefas:
        resp = client.post(
            reverse("vendas:documento-gerar", args=[pedido.pk]),
            {"tipo": "proposta"},
            HTTP_HX_REQUEST="true",
        )
    # then who sees the order gets the panel with the queued job, enqueued on commit
    assert resp.status_code == esperado
    assert DocumentoGerado.objects.filter(pedido=pedido).exists() is (esperado == 200)
    assert len(tarefas) == (1 if esperado == 200 else 0)
    if esperado == 200:
        html = resp.content.decode()
        assert "Proposta comercial" in html and "na fila" in html
        assert 'hx-trigger="every 1s"' in html
        # and once the task ran, the panel offers the download
        html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
        assert "Baixar PDF" in html


def test_progresso_em_andamento_continua_consultando(client, cenario) -> None:
    # given a document still queued
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    doc = DocumentoGerado.objects.create(
        pedido=pedido, tipo="proposta", versao_pedido=1, criado_por=cenario.dono,
        status=StatusJob.PROCESSANDO, progresso=40, etapa="Paginando 1 itens",
    )  # fmt: skip
    url = reverse("vendas:documento-progresso", args=[pedido.pk, doc.pk])
    entrar(client, cenario, "dono")
    # when the page polls it
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # then the row shows the progress and keeps polling; a colleague gets 404
    assert 'hx-trigger="every 1s"' in html and "40%" in html and "Paginando" in html
    entrar(client, cenario, "colega")
    assert client.get(url).status_code == 404


def _consentir(cenario: Cenario, concedido: bool) -> None:
    EventoConsentimento.objects.create(
        cliente=cenario.cliente, canal="email", concedido=concedido, origem="tela"
    )


def test_email_com_consentimento_leva_o_pdf(cenario, django_capture_on_commit_callbacks) -> None:
    # given a client with an e-mail and current e-mail consent
    ContatoEletronico.objects.create(cliente=cenario.cliente, tipo="email", valor="compras@x.com")
    _consentir(cenario, True)
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # when the rep sends the order by e-mail
    with django_capture_on_commit_callbacks(execute=True):
        envio = pedido_enviar_email(pedido_id=pedido.pk, ator=cenario.dono)
    # then one message went to that address with the proposal attached
    assert envio.documento is not None
    assert len(mail.outbox) == 1
    mensagem = mail.outbox[0]
    assert mensagem.to == ["compras@x.com"]
    nome, conteudo, tipo = mensagem.attachments[0]
    assert nome.startswith(f"proposta-{pedido.numero}-v")
    assert tipo == "application/pdf" and conteudo.startswith(b"%PDF-")
    assert "R$" in mensagem.body
    # and the order records the request and the sending
    tipos = list(pedido.eventos.values_list("tipo", flat=True))
    assert TipoEventoPedido.EMAIL_SOLICITADO in tipos and TipoEventoPedido.EMAIL_ENVIADO in tipos
    envio.documento.refresh_from_db()
    assert envio.documento.email_enviado_em is not None


@pytest.mark.parametrize("consentimentos", [[], [True, False]])
def test_email_sem_consentimento_atual_e_recusado(cenario, consentimentos) -> None:
    # given a client with an e-mail who never consented, or consented and then revoked
    ContatoEletronico.objects.create(cliente=cenario.cliente, tipo="email", valor="compras@x.com")
    for concedido in consentimentos:
        _consentir(cenario, concedido)
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # when the rep tries to send the order by e-mail
    envio = pedido_enviar_email(pedido_id=pedido.pk, ator=cenario.dono)
    # then nothing is sent, the reason is in pt-BR and the refusal is on the order
    assert envio.documento is None and not mail.outbox
    assert "consentimento para contato por e-mail" in envio.mensagem
    assert pedido.eventos.filter(tipo=TipoEventoPedido.EMAIL_RECUSADO).exists()
    assert not DocumentoGerado.objects.filter(pedido=pedido).exists()


def test_consentimento_revogado_durante_a_geracao_nao_envia(
    cenario, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from vendas import pdf

    ContatoEletronico.objects.create(cliente=cenario.cliente, tipo="email", valor="compras@x.com")
    _consentir(cenario, True)
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    original = pdf.pdf

    def revoga_e_gera(html: str) -> Any:
        _consentir(cenario, False)  # the client revokes while the PDF is being rendered
        return original(html)

    monkeypatch.setattr(pdf, "pdf", revoga_e_gera)
    # when the e-mail job runs
    with django_capture_on_commit_callbacks(execute=True):
        pedido_enviar_email(pedido_id=pedido.pk, ator=cenario.dono)
    # then the consent is checked again before sending: nothing goes out
    assert not mail.outbox
    assert pedido.eventos.filter(tipo=TipoEventoPedido.EMAIL_RECUSADO).exists()


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 200), ("colega", 404), ("sac", 403)])
def test_email_pela_tela(client, cenario, quem, esperado) -> None:
    # given dono's order of a client without consent
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    entrar(client, cenario, quem)
    # when someone clicks "Enviar proposta por e-mail"
    resp = client.post(reverse("vendas:pedido-email", args=[pedido.pk]), HTTP_HX_REQUEST="true")
    # then the owner reads why it was refused; a colleague gets 404; SAC (reads orders, does not
    # act for the rep) may not send
    assert resp.status_code == esperado
    if esperado == 200:
        assert "não deu consentimento" in resp.content.decode()


def test_sac_ve_os_documentos_sem_o_botao_de_email(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    entrar(client, cenario, "sac")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "Gerar proposta (PDF)" in html and "Enviar proposta por e-mail" not in html
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "Enviar proposta por e-mail" in html
