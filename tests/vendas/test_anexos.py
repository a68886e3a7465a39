"""Order attachments: upload checks (size, type, content), download only through the order's
visibility and as a download, removal by the uploader or a supervisor, events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.vendas.conftest import criar_pedido
from vendas.constants import StatusPedido, TipoEventoPedido
from vendas.models import AnexoPedido, Pedido, PedidoEvento
from vendas.services import ErroPedido
from vendas.services.anexos import anexo_incluir, anexo_remover

D = Decimal
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(nome: str = "pedido-compra.pdf", conteudo: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, conteudo, content_type="application/pdf")


def test_upload_grava_o_arquivo_com_nome_aleatorio_e_evento(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    versao = Pedido.objects.get(pk=pedido.pk).versao
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), descricao=" OC 123 ",
                          ator=cenario.dono)  # fmt: skip
    assert anexo.nome_original == "pedido-compra.pdf" and anexo.descricao == "OC 123"
    assert anexo.tipo_conteudo == "application/pdf" and anexo.tamanho == len(PDF)
    assert "pedido-compra" not in anexo.arquivo.name  # stored under a random name
    assert anexo.enviado_por == cenario.dono
    evento = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.ANEXO_INCLUIDO)
    assert evento.dados["nome"] == "pedido-compra.pdf"
    # an attachment does not change what was sold: same version (approvals stay valid)
    assert Pedido.objects.get(pk=pedido.pk).versao == versao


@pytest.mark.parametrize(
    ("arquivo", "mensagem"),
    [
        (SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "Tipo de arquivo não aceito"),
        (SimpleUploadedFile("falso.pdf", b"<html>oi</html>"), "não corresponde à extensão"),
        (SimpleUploadedFile("vazio.pdf", b""), "vazio"),
        (SimpleUploadedFile("planilha.xlsx", b"PK\x03\x04lixo"), "planilha"),
    ],
)
def test_arquivo_recusado_nao_grava_nada(cenario, arquivo, mensagem):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    with pytest.raises(ErroPedido, match=mensagem):
        anexo_incluir(pedido_id=pedido.pk, arquivo=arquivo, ator=cenario.dono)
    assert not AnexoPedido.objects.exists()


def test_arquivo_acima_do_limite_e_recusado(cenario, monkeypatch):
    import vendas.services.anexos as modulo

    monkeypatch.setattr(modulo, "ANEXO_TAMANHO_MAXIMO", 1024 * 1024)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    grande = _pdf(conteudo=PDF + b"0" * (1024 * 1024))
    with pytest.raises(ErroPedido, match="tamanho máximo de 1 MB"):
        anexo_incluir(pedido_id=pedido.pk, arquivo=grande, ator=cenario.dono)


def test_colega_nao_anexa_em_pedido_que_nao_ve(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    with pytest.raises(ErroPedido, match="não encontrado"):
        anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.pessoas.usuarios["colega"])


def test_pedido_cancelado_nao_recebe_anexo(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    Pedido.objects.filter(pk=pedido.pk).update(status=StatusPedido.CANCELADO)
    with pytest.raises(ErroPedido, match="cancelado"):
        anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)


@pytest.mark.parametrize(
    ("quem", "pode"), [("dono", True), ("supervisor", True), ("admin", True), ("sac", False)]
)
def test_remover_so_quem_enviou_ou_supervisor(cenario, quem, pode):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    caminho = anexo.arquivo.path
    ator = cenario.pessoas.usuarios[quem]
    if not pode:
        with pytest.raises(ErroPedido, match="Só quem enviou"):
            anexo_remover(pedido_id=pedido.pk, anexo_id=anexo.pk, ator=ator)
        assert AnexoPedido.objects.filter(pk=anexo.pk).exists()
        return
    anexo_remover(pedido_id=pedido.pk, anexo_id=anexo.pk, ator=ator)
    assert not AnexoPedido.objects.exists()
    evento = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.ANEXO_REMOVIDO)
    assert evento.ator == ator and evento.dados["nome"] == "pedido-compra.pdf"
    import os

    assert os.path.exists(caminho)  # removed only once the transaction commits


@pytest.mark.parametrize("status", [StatusPedido.ENVIADO, StatusPedido.CANCELADO])
def test_anexo_de_pedido_enviado_ou_cancelado_fica(client, cenario, status):
    # given an attachment on an order that was then sent (or cancelled)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    Pedido.objects.filter(pk=pedido.pk).update(status=status)
    # when its sender tries to remove it
    with pytest.raises(ErroPedido, match="não podem ser removidos"):
        anexo_remover(pedido_id=pedido.pk, anexo_id=anexo.pk, ator=cenario.dono)
    # then it stays
    assert AnexoPedido.objects.filter(pk=anexo.pk).exists()


def test_remocao_apaga_o_arquivo_depois_do_commit(cenario, django_capture_on_commit_callbacks):
    import os

    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    caminho = anexo.arquivo.path
    with django_capture_on_commit_callbacks(execute=True):
        anexo_remover(pedido_id=pedido.pk, anexo_id=anexo.pk, ator=cenario.dono)
    assert not os.path.exists(caminho)


# --- views ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("dono", 200), ("supervisor", 200), ("sac", 200), ("colega", 404), ("supervisor_outro", 404)],
)
def test_download_respeita_a_carteira_e_e_sempre_anexo(client, cenario, quem, esperado):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    client.force_login(cenario.pessoas.usuarios[quem])
    resp = client.get(reverse("vendas:anexo-baixar", args=[pedido.pk, anexo.pk]))
    assert resp.status_code == esperado
    if esperado == 200:
        assert resp["Content-Disposition"].startswith("attachment;")
        assert 'filename="pedido-compra.pdf"' in resp["Content-Disposition"]
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert b"".join(resp.streaming_content) == PDF


def test_download_com_anexo_de_outro_pedido_na_url_e_404(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    outro = criar_pedido(cenario, [(cenario.lampada, "2")])
    anexo = anexo_incluir(pedido_id=outro.pk, arquivo=_pdf(), ator=cenario.dono)
    client.force_login(cenario.dono)
    assert client.get(reverse("vendas:anexo-baixar", args=[pedido.pk, anexo.pk])).status_code == 404


def test_upload_pela_tela_responde_a_aba_e_o_historico(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(cenario.dono)
    resp = client.post(
        reverse("vendas:anexo-incluir", args=[pedido.pk]),
        # enviado_por / pedido in the POST are not form fields: ignored
        {"arquivo": _pdf(), "descricao": "OC", "enviado_por": cenario.pessoas.usuarios["admin"].pk,
         "pedido": 999999},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="pedido-anexos"' in html
    assert "pedido-compra.pdf" in html and "Anexo “OC” incluído." in html
    assert 'hx-swap-oob="afterbegin:#historico-lista"' in html
    anexo = AnexoPedido.objects.get()
    assert anexo.pedido == pedido and anexo.enviado_por == cenario.dono
    assert "/media/" not in html  # never a MEDIA_URL link


def test_upload_recusado_mantem_a_descricao_e_explica(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(cenario.dono)
    resp = client.post(
        reverse("vendas:anexo-incluir", args=[pedido.pk]),
        {"arquivo": SimpleUploadedFile("virus.exe", b"MZ"), "descricao": "minha descrição"},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert "Tipo de arquivo não aceito" in html and 'value="minha descrição"' in html
    assert not AnexoPedido.objects.exists()


@pytest.mark.parametrize(("quem", "esperado"), [("colega", 404), ("supervisor_outro", 404)])
def test_outsider_nao_anexa_nem_remove(client, cenario, quem, esperado):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    client.force_login(cenario.pessoas.usuarios[quem])
    incluir = client.post(reverse("vendas:anexo-incluir", args=[pedido.pk]), {"arquivo": _pdf()})
    remover = client.post(reverse("vendas:anexo-remover", args=[pedido.pk, anexo.pk]))
    assert (incluir.status_code, remover.status_code) == (esperado, esperado)
    assert AnexoPedido.objects.count() == 1


def test_remover_pela_tela_botao_so_para_quem_pode(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = anexo_incluir(pedido_id=pedido.pk, arquivo=_pdf(), ator=cenario.dono)
    url_remover = reverse("vendas:anexo-remover", args=[pedido.pk, anexo.pk])
    detalhe = reverse("vendas:pedido-detalhe", args=[pedido.pk]) + "?aba=anexos"
    client.force_login(cenario.pessoas.usuarios["sac"])
    assert url_remover not in client.get(detalhe).content.decode()
    resp = client.post(url_remover, HTTP_HX_REQUEST="true")
    assert resp.status_code == 403  # SAC only reads orders
    client.force_login(cenario.pessoas.usuarios["colega"])
    resp = client.post(url_remover, HTTP_HX_REQUEST="true")
    assert resp.status_code == 404  # a colleague does not see the order
    client.force_login(cenario.dono)
    assert url_remover in client.get(detalhe).content.decode()
    resp = client.post(url_remover, HTTP_HX_REQUEST="true")
    assert "removido" in resp.content.decode() and not AnexoPedido.objects.exists()
