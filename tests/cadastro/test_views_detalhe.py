"""Client record screens: detail tabs, create/edit, sub-records, consent, CEP — and who may.

The people (tests/conftest.py `pessoas`): dono owns carteira A, colega owns B (other team),
supervisor heads dono's team, sac sees clients of every carteira (change, no add), admin all.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cadastro import services
from cadastro.constants import TipoEventoCliente
from cadastro.models import (
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    Municipio,
    PessoaContato,
    StatusCliente,
    Telefone,
    TipoCliente,
    TipoContato,
)
from crm.documentos import gerar_cnpj, gerar_cpf
from tests.factories import ClienteFactory, EmailFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ABAS = ["dados", "enderecos", "contatos", "consentimentos", "historico", "linha-do-tempo"]
VISIBILIDADE = [
    ("dono", 200),
    ("supervisor", 200),
    ("sac", 200),
    ("admin", 200),
    ("colega", 404),
    ("supervisor_outro", 404),
]


@pytest.fixture
def cliente(pessoas):
    return ClienteFactory(carteira=pessoas.a, nome="Padaria Pão Quente")


def _login(client, pessoas, quem):
    client.force_login(pessoas.usuarios[quem])
    return pessoas.usuarios[quem]


def _form_cliente(**extra):
    tipo, _ = TipoCliente.objects.get_or_create(codigo="CF", defaults={"descricao": "Consumidor"})
    status, _ = StatusCliente.objects.get_or_create(codigo="ATIVO", defaults={"descricao": "Ativo"})
    dados = {
        "nome": "Cliente Novo",
        "tipo_cliente": tipo.pk,
        "status": status.pk,
        "indicador_ie": "9",
        "consumidor_final": "on",
    }
    dados.update(extra)
    return dados


def _mascara_cpf(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


# --- detail and tabs -------------------------------------------------------------------


@pytest.mark.parametrize(("quem", "esperado"), VISIBILIDADE)
def test_detalhe_respeita_a_visibilidade(client, pessoas, cliente, quem, esperado):
    # given a client of carteira A; when each person opens it by URL
    _login(client, pessoas, quem)
    resp = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk]))
    # then only those who may see it get the page; the others a 404 (never a 403)
    assert resp.status_code == esperado
    if esperado == 200:
        assert "Padaria Pão Quente" in resp.content.decode()


@pytest.mark.parametrize("aba", ABAS)
@pytest.mark.parametrize(("quem", "esperado"), [("dono", 200), ("colega", 404)])
def test_cada_aba_por_htmx_devolve_so_o_parcial(client, pessoas, cliente, aba, quem, esperado):
    _login(client, pessoas, quem)
    resp = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, aba]), **HTMX)
    assert resp.status_code == esperado
    if esperado == 200:
        html = resp.content.decode()
        assert "<html" not in html
        assert 'aria-selected="true"' in html
        assert "HX-Request" in resp["Vary"]


@pytest.mark.parametrize("aba", ABAS)
def test_pagina_inclui_o_mesmo_parcial_da_aba(client, pessoas, cliente, aba):
    _login(client, pessoas, "dono")
    pagina = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk]), {"aba": aba})
    parcial = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, aba]), **HTMX)
    assert pagina.status_code == 200
    assert "<html" in pagina.content.decode()
    corpo_parcial = parcial.content.decode().strip()
    # the partial differs only by the CSRF token, which each response renews
    primeira_linha = corpo_parcial.splitlines()[0]
    assert primeira_linha in pagina.content.decode()


def test_url_da_pagina_devolve_a_pagina_inteira_mesmo_pedida_pelo_htmx(client, pessoas, cliente):
    # htmx re-requests a pushed URL on back/forward when its history cache misses
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-detalhe", args=[cliente.pk])
    resp = client.get(url, {"aba": "contatos"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in resp.content.decode()
    assert "HX-Request" in resp["Vary"]


def test_aba_inexistente_e_404_e_aba_desconhecida_na_pagina_cai_em_dados(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    assert client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, "xpto"])).status_code == 404
    resp = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk]), {"aba": "xpto"})
    assert resp.status_code == 200
    assert "Identificação" in resp.content.decode()


def test_usuario_sem_papel_recebe_403_e_anonimo_vai_ao_login(client, pessoas, cliente):
    from tests.factories import UsuarioFactory

    resp = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk]))
    assert resp.status_code == 302
    assert reverse("contas:login") in resp["Location"]
    client.force_login(UsuarioFactory(username="sem_papel"))
    assert client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk])).status_code == 403


def test_aba_dados_mostra_campos_formatados(client, pessoas):
    cliente = ClienteFactory(
        carteira=pessoas.a, juridica=True, cnae="4711302", limite_credito=Decimal("1234.56")
    )
    _login(client, pessoas, "dono")
    html = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk])).content.decode()
    assert cliente.documento_formatado in html
    assert "4711-3/02" in html
    assert "R$ 1.234,56" in html


def test_detalhe_sem_dados_mostra_estados_vazios(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    for aba, texto in [
        ("enderecos", "Nenhum endereço"),
        ("contatos", "Nenhum telefone"),
        ("consentimentos", "Nenhum consentimento"),
        ("linha-do-tempo", "Nada aconteceu"),
    ]:
        html = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, aba]), **HTMX)
        assert texto in html.content.decode()


def test_sac_tem_change_e_ve_o_botao_de_editar(client, pessoas, cliente):
    # SAC holds change_cliente (not add): the edit button is there
    _login(client, pessoas, "sac")
    html = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk])).content.decode()
    assert reverse("cadastro:cliente-editar", args=[cliente.pk]) in html


# --- query counts ----------------------------------------------------------------------


def _encher(cliente, dono):
    sp = Municipio.objects.get(codigo_ibge=3550308)
    tipo = TipoContato.objects.create(codigo="COMP", descricao="Comprador")
    for i in range(12):
        services.endereco_salvar(
            cliente=cliente,
            ator=dono,
            dados={
                "tipo": "entrega",
                "cep": "01310100",
                "logradouro": f"Rua {i}",
                "uf": "SP",
                "municipio": sp,
            },
        )
        services.telefone_salvar(
            cliente=cliente,
            ator=dono,
            dados={"tipo": "celular", "ddd": "11", "numero": f"97777{i:04d}"},
        )
        EmailFactory(cliente=cliente)
        PessoaContato.objects.create(cliente=cliente, nome=f"Pessoa {i}", tipo=tipo)
        services.consentimento_registrar(
            cliente=cliente, canal="email", concedido=i % 2 == 0, ator=dono, origem="tela"
        )
        services.cliente_atualizar(cliente=cliente, dados={"nome": f"Nome {i}"}, ator=dono)


# Measured: dados 6, endereços 7, contatos 9, consentimentos 9, histórico 9, linha do tempo 8
# (session, user, 2× permissions, the client, then the tab's own queries); +2 of slack.
LIMITES = {
    "dados": 8,
    "enderecos": 9,
    "contatos": 11,
    "consentimentos": 11,
    "historico": 11,
    "linha-do-tempo": 10,
}


@pytest.mark.parametrize("aba", ABAS)
def test_pagina_e_abas_em_consultas_fixas(
    client, pessoas, cliente, aba, django_assert_max_num_queries
):
    # given a client with a dozen of everything
    dono = _login(client, pessoas, "dono")
    _encher(cliente, dono)
    url = reverse("cadastro:cliente-detalhe", args=[cliente.pk])
    client.get(url, {"aba": aba})  # warm up: session, permission caches
    # then neither the page nor the tab grows with the number of rows
    with django_assert_max_num_queries(LIMITES[aba]):
        resp = client.get(url, {"aba": aba})
    assert resp.status_code == 200
    with django_assert_max_num_queries(LIMITES[aba]):
        resp = client.get(reverse("cadastro:cliente-aba", args=[cliente.pk, aba]), **HTMX)
    assert resp.status_code == 200


# --- create ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quem", "esperado"), [("dono", 200), ("supervisor", 200), ("admin", 200), ("sac", 403)]
)
def test_tela_de_novo_cliente_por_papel(client, pessoas, quem, esperado):
    _login(client, pessoas, quem)
    assert client.get(reverse("cadastro:cliente-criar")).status_code == esperado


def test_criar_cliente_com_cpf_mascarado_e_dinheiro_brasileiro(client, pessoas):
    # given the rep's create form, filled with masks
    dono = _login(client, pessoas, "dono")
    cpf = gerar_cpf(444555666)
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(
            documento=_mascara_cpf(cpf),
            carteira=pessoas.a.pk,
            limite_credito="1.234,56",
            data_nascimento="01/02/1990",
        ),
    )
    # then the client exists, normalised, and the browser goes to its page
    cliente = Cliente.objects.get(documento=cpf)
    assert resp.status_code == 302
    assert resp["Location"] == reverse("cadastro:cliente-detalhe", args=[cliente.pk])
    assert cliente.limite_credito == Decimal("1234.56")
    assert cliente.tipo_pessoa == "F"
    assert EventoCliente.objects.get(cliente=cliente).ator == dono


def test_sac_nao_cria_cliente_nem_por_post(client, pessoas):
    _login(client, pessoas, "sac")
    resp = client.post(reverse("cadastro:cliente-criar"), _form_cliente(documento=gerar_cpf(3)))
    assert resp.status_code == 403
    assert not Cliente.objects.exists()


def test_formulario_recusado_mantem_o_que_foi_digitado_com_erros_por_campo(client, pessoas):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(
            documento="123.456.789-00",
            nome="",
            carteira=pessoas.a.pk,
            limite_credito="12,3,4",
            data_nascimento="31/02/1990",
            profissao="Padeiro",
        ),
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert not Cliente.objects.exists()
    # what the person typed is still there
    assert 'value="123.456.789-00"' in html
    assert 'value="12,3,4"' in html
    assert 'value="31/02/1990"' in html
    assert 'value="Padeiro"' in html
    # and each field says what is wrong, in pt-BR
    assert "dígito verificador inválido" in html
    assert "Este campo é obrigatório." in html
    assert "Informe um valor como 1.234,56." in html
    assert "Informe uma data válida" in html


def test_cpf_duplicado_mostra_link_quando_visivel(client, pessoas):
    existente = ClienteFactory(carteira=pessoas.a, nome="Já Existe")
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(documento=existente.documento, carteira=pessoas.a.pk),
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Já existe um cliente com este CPF/CNPJ" in html
    assert f'href="{reverse("cadastro:cliente-detalhe", args=[existente.pk])}"' in html
    assert Cliente.objects.count() == 1


def test_cpf_duplicado_de_cliente_invisivel_nao_revela_o_link(client, pessoas):
    existente = ClienteFactory(carteira=pessoas.b, nome="De Outra Carteira")
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(documento=existente.documento, carteira=pessoas.a.pk),
    )
    html = resp.content.decode()
    assert "Já existe um cliente com este CPF/CNPJ" in html
    assert "De Outra Carteira" not in html
    assert reverse("cadastro:cliente-detalhe", args=[existente.pk]) not in html


def test_rep_nao_cria_cliente_em_carteira_alheia_nem_sem_carteira(client, pessoas):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(documento=gerar_cpf(71), carteira=pessoas.b.pk),
    )
    assert "Faça uma escolha válida" in resp.content.decode()
    resp = client.post(reverse("cadastro:cliente-criar"), _form_cliente(documento=gerar_cpf(72)))
    assert "Este campo é obrigatório." in resp.content.decode()
    assert not Cliente.objects.exists()


def test_carteira_oferecida_so_as_visiveis(client, pessoas):
    _login(client, pessoas, "dono")
    html = client.get(reverse("cadastro:cliente-criar")).content.decode()
    assert "Carteira A" in html
    assert "Carteira B" not in html


def test_campo_que_o_formulario_nao_oferece_e_ignorado(client, pessoas):
    _login(client, pessoas, "dono")
    client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(documento=gerar_cpf(73), carteira=pessoas.a.pk, versao=99, id=999999),
    )
    cliente = Cliente.objects.get()
    assert cliente.versao == 1
    assert cliente.pk != 999999


# --- edit ------------------------------------------------------------------------------


def _form_edicao(cliente, **extra):
    dados = _form_cliente(
        documento=cliente.documento,
        nome=cliente.nome,
        carteira=cliente.carteira_id,
        versao=cliente.versao,
    )
    dados.update(extra)
    return dados


@pytest.mark.parametrize(("quem", "esperado"), [*VISIBILIDADE])
def test_editar_respeita_visibilidade_e_nada_muda_para_quem_nao_ve(
    client, pessoas, cliente, quem, esperado
):
    _login(client, pessoas, quem)
    url = reverse("cadastro:cliente-editar", args=[cliente.pk])
    assert client.get(url).status_code == esperado
    resp = client.post(url, _form_edicao(cliente, nome="Alterado por " + quem))
    cliente.refresh_from_db()
    if esperado == 200:
        assert resp.status_code == 302
        assert cliente.nome == "Alterado por " + quem
    else:
        assert resp.status_code == 404
        assert cliente.nome == "Padaria Pão Quente"
        assert cliente.versao == 1


def test_edicao_conflitante_avisa_quem_alterou_e_mantem_o_digitado(client, pessoas, cliente):
    # given the rep opened the edit form at version 1
    _login(client, pessoas, "dono")
    url = reverse("cadastro:cliente-editar", args=[cliente.pk])
    assert 'name="versao" value="1"' in client.get(url).content.decode()
    # and meanwhile the supervisor saved a change
    supervisor = pessoas.usuarios["supervisor"]
    services.cliente_atualizar(
        cliente=cliente, dados={"profissao": "Confeiteiro"}, ator=supervisor, versao=1
    )
    # when the rep saves with version 1
    resp = client.post(url, _form_edicao(cliente, nome="Nome do rep", versao=1))
    html = resp.content.decode()
    # then nothing of the rep is written, the message names the supervisor, the input stays
    assert resp.status_code == 409
    nome_sup = supervisor.get_full_name()
    assert f"Este cliente foi alterado por {nome_sup} em" in html
    assert "enquanto você editava" in html
    assert 'value="Nome do rep"' in html
    cliente.refresh_from_db()
    assert (cliente.nome, cliente.profissao, cliente.versao) == (
        "Padaria Pão Quente",
        "Confeiteiro",
        2,
    )


def test_editar_mostra_valores_formatados(client, pessoas):
    cliente = ClienteFactory(carteira=pessoas.a, limite_credito=Decimal("1234.5"))
    _login(client, pessoas, "dono")
    html = client.get(reverse("cadastro:cliente-editar", args=[cliente.pk])).content.decode()
    assert f'value="{cliente.documento_formatado}"' in html
    assert 'value="1.234,50"' in html


def test_sac_edita_mantendo_carteira_que_nao_possui(client, pessoas, cliente):
    _login(client, pessoas, "sac")
    resp = client.post(
        reverse("cadastro:cliente-editar", args=[cliente.pk]),
        _form_edicao(cliente, convenio="Sindicato"),
    )
    assert resp.status_code == 302
    cliente.refresh_from_db()
    assert (cliente.convenio, cliente.carteira) == ("Sindicato", pessoas.a)


def test_editar_para_cnpj_de_outro_cliente_vira_erro_no_campo(client, pessoas, cliente):
    outro = ClienteFactory(carteira=pessoas.a, juridica=True)
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:cliente-editar", args=[cliente.pk]),
        _form_edicao(cliente, documento=outro.documento_formatado),
    )
    assert resp.status_code == 200
    assert "Já existe um cliente com este CPF/CNPJ" in resp.content.decode()


# --- sub-records -----------------------------------------------------------------------


@pytest.mark.parametrize(("quem", "esperado"), VISIBILIDADE)
def test_incluir_telefone_por_htmx_respeita_visibilidade(client, pessoas, cliente, quem, esperado):
    _login(client, pessoas, quem)
    resp = client.post(
        reverse("cadastro:telefone-criar", args=[cliente.pk]),
        {"tipo": "celular", "fone": "(11) 98765-4321", "whatsapp": "on"},
        **HTMX,
    )
    assert resp.status_code == esperado
    if esperado == 200:
        html = resp.content.decode()
        assert "Telefone incluído." in html
        assert "(11) 98765-4321" in html
        tel = Telefone.objects.get(cliente=cliente)
        assert (tel.ddd, tel.numero, tel.whatsapp) == ("11", "987654321", True)
    else:
        assert not Telefone.objects.exists()


def test_telefone_sem_htmx_redireciona_para_a_aba(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:telefone-criar", args=[cliente.pk]),
        {"tipo": "fixo", "fone": "1134567890"},
    )
    assert resp.status_code == 302
    assert resp["Location"].endswith("?aba=contatos")


def test_telefone_invalido_volta_no_formulario_com_o_digitado(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:telefone-criar", args=[cliente.pk]),
        {"tipo": "celular", "fone": "(11) 8765-432"},
        **HTMX,
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'value="(11) 8765-432"' in html
    assert "informe DDD + número" in html
    assert not Telefone.objects.exists()


def test_telefone_de_outro_cliente_pela_url_do_meu_cliente_e_404(client, pessoas, cliente):
    alheio = TelefoneFactory(cliente=ClienteFactory(carteira=pessoas.b))
    _login(client, pessoas, "dono")
    url = reverse("cadastro:telefone-editar", args=[cliente.pk, alheio.pk])
    assert client.get(url).status_code == 404
    resp = client.post(url, {"tipo": "celular", "fone": "11912345678"})
    assert resp.status_code == 404
    excluir = reverse("cadastro:telefone-excluir", args=[cliente.pk, alheio.pk])
    assert client.post(excluir).status_code == 404
    assert Telefone.objects.filter(pk=alheio.pk, numero=alheio.numero).exists()


def test_alterar_e_excluir_telefone(client, pessoas, cliente):
    tel = TelefoneFactory(cliente=cliente)
    _login(client, pessoas, "supervisor")
    form = client.get(reverse("cadastro:telefone-editar", args=[cliente.pk, tel.pk]), **HTMX)
    assert tel.formatado in form.content.decode()
    client.post(
        reverse("cadastro:telefone-editar", args=[cliente.pk, tel.pk]),
        {"tipo": "celular", "fone": "21 99999-0000", "operadora": "tim"},
        **HTMX,
    )
    tel.refresh_from_db()
    assert (tel.ddd, tel.numero, tel.operadora) == ("21", "999990000", "tim")
    resp = client.post(reverse("cadastro:telefone-excluir", args=[cliente.pk, tel.pk]), **HTMX)
    assert "Telefone excluído." in resp.content.decode()
    assert not Telefone.objects.exists()


def test_excluir_exige_post(client, pessoas, cliente):
    tel = TelefoneFactory(cliente=cliente)
    _login(client, pessoas, "dono")
    assert (
        client.get(reverse("cadastro:telefone-excluir", args=[cliente.pk, tel.pk])).status_code
        == 405
    )
    assert Telefone.objects.exists()


def test_endereco_ciclo_por_htmx(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    form = client.get(reverse("cadastro:endereco-criar", args=[cliente.pk]), **HTMX)
    assert 'id="endereco-cep"' in form.content.decode()
    resp = client.post(
        reverse("cadastro:endereco-criar", args=[cliente.pk]),
        {
            "tipo": "comercial",
            "cep": "02067050",
            "logradouro": "Rua João Batista Alves da Silva",
            "numero": "10",
            "bairro": "Carandiru",
            "uf": "SP",
            "municipio": "3550308",
        },
        **HTMX,
    )
    assert "Endereço incluído." in resp.content.decode()
    endereco = Endereco.objects.get()
    assert (endereco.cep, endereco.municipio_id, endereco.principal) == ("02067050", 3550308, True)
    client.post(reverse("cadastro:endereco-excluir", args=[cliente.pk, endereco.pk]), **HTMX)
    assert not Endereco.objects.exists()


def test_endereco_com_municipio_de_outra_uf_mantem_o_digitado(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:endereco-criar", args=[cliente.pk]),
        {
            "tipo": "comercial",
            "cep": "20040-020",
            "logradouro": "Rua do Ouvidor",
            "uf": "RJ",
            "municipio": "3550308",
        },
        **HTMX,
    )
    html = resp.content.decode()
    assert "São Paulo não pertence à UF RJ" in html
    assert 'value="Rua do Ouvidor"' in html
    assert 'value="20040-020"' in html
    assert not Endereco.objects.exists()


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 200), ("colega", 404)])
def test_contato_eletronico_e_pessoa_de_contato(client, pessoas, cliente, quem, esperado):
    tipo = TipoContato.objects.create(codigo="FIN", descricao="Financeiro")
    _login(client, pessoas, quem)
    r1 = client.post(
        reverse("cadastro:contato-eletronico-criar", args=[cliente.pk]),
        {"tipo": "email", "valor": "Compras@Padaria.COM.BR"},
        **HTMX,
    )
    r2 = client.post(
        reverse("cadastro:pessoa-contato-criar", args=[cliente.pk]),
        {"nome": "Ana", "tipo": tipo.pk, "telefone": "(11) 3456-7890"},
        **HTMX,
    )
    assert (r1.status_code, r2.status_code) == (esperado, esperado)
    if esperado == 200:
        assert ContatoEletronico.objects.get().valor == "compras@padaria.com.br"
        assert PessoaContato.objects.get().telefone == "1134567890"
    else:
        assert not ContatoEletronico.objects.exists()
        assert not PessoaContato.objects.exists()


# --- consent ---------------------------------------------------------------------------


@pytest.mark.parametrize(("quem", "esperado"), VISIBILIDADE)
def test_registrar_consentimento_respeita_visibilidade(client, pessoas, cliente, quem, esperado):
    usuario = _login(client, pessoas, quem)
    resp = client.post(
        reverse("cadastro:consentimento-registrar", args=[cliente.pk]),
        {"canal": "email", "concedido": "1", "observacao": "balcão"},
        **HTMX,
    )
    assert resp.status_code == esperado
    if esperado == 200:
        evento = EventoConsentimento.objects.get()
        assert (evento.canal, evento.concedido, evento.ator, evento.origem) == (
            "email",
            True,
            usuario,
            "tela",
        )
        assert "Consentimento concedido: E-mail." in resp.content.decode()
    else:
        assert not EventoConsentimento.objects.exists()


def test_consentimento_revogado_aparece_como_estado_atual_e_no_historico(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    url = reverse("cadastro:consentimento-registrar", args=[cliente.pk])
    client.post(url, {"canal": "sms_whatsapp", "concedido": "1"}, **HTMX)
    resp = client.post(
        url, {"canal": "sms_whatsapp", "concedido": "0", "observacao": "pediu para parar"}, **HTMX
    )
    html = resp.content.decode()
    assert "Revogado" in html and "pediu para parar" in html
    assert html.count("Revogou") == 1 and html.count("Concedeu") == 1
    tipos = set(EventoCliente.objects.values_list("tipo", flat=True))
    assert tipos == {TipoEventoCliente.CONSENTIMENTO_DADO, TipoEventoCliente.CONSENTIMENTO_REVOGADO}


def test_consentimento_invalido_nao_grava(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    resp = client.post(
        reverse("cadastro:consentimento-registrar", args=[cliente.pk]),
        {"canal": "pombo", "concedido": "1"},
        **HTMX,
    )
    assert resp.status_code == 200
    assert "Faça uma escolha válida" in resp.content.decode()
    assert not EventoConsentimento.objects.exists()


# --- history and timeline tabs ---------------------------------------------------------


def test_aba_historico_mostra_edicao_de_telefone_com_antes_depois_e_usuario(
    client, pessoas, cliente
):
    # given the rep edits a phone through the screen
    dono = _login(client, pessoas, "dono")
    client.post(
        reverse("cadastro:telefone-criar", args=[cliente.pk]),
        {"tipo": "celular", "fone": "11987654321"},
    )
    tel = Telefone.objects.get()
    client.post(
        reverse("cadastro:telefone-editar", args=[cliente.pk, tel.pk]),
        {"tipo": "celular", "fone": "11912345678"},
    )
    # when the history tab is opened
    html = client.get(
        reverse("cadastro:cliente-aba", args=[cliente.pk, "historico"]), **HTMX
    ).content.decode()
    # then the change is there: the phone, old → new, and who did it
    assert "98765-4321" in html and "91234-5678" in html
    assert "Número" in html
    assert dono.get_full_name() in html


def test_aba_linha_do_tempo_lista_eventos_de_negocio(client, pessoas, cliente):
    _login(client, pessoas, "dono")
    client.post(
        reverse("cadastro:cliente-editar", args=[cliente.pk]),
        _form_edicao(cliente, profissao="Padeiro"),
    )
    client.post(
        reverse("cadastro:consentimento-registrar", args=[cliente.pk]),
        {"canal": "carta", "concedido": "1"},
    )
    html = client.get(
        reverse("cadastro:cliente-aba", args=[cliente.pk, "linha-do-tempo"]), **HTMX
    ).content.decode()
    assert "Cadastro alterado: profissão / atividade" in html
    assert "Consentimento concedido: Carta" in html


def test_paginacao_da_linha_do_tempo(client, pessoas, cliente):
    dono = _login(client, pessoas, "dono")
    for i in range(30):
        services.cliente_atualizar(cliente=cliente, dados={"nome": f"N{i}"}, ator=dono)
    url = reverse("cadastro:cliente-aba", args=[cliente.pk, "linha-do-tempo"])
    html = client.get(url, **HTMX).content.decode()
    assert "Página 1 de 2" in html
    html2 = client.get(url, {"pagina": 2}, **HTMX).content.decode()
    assert "Página 2 de 2" in html2


# --- CEP and municipalities ------------------------------------------------------------


def test_cep_conhecido_preenche_endereco(client, pessoas):
    _login(client, pessoas, "dono")
    resp = client.get(
        reverse("cadastro:cep-consultar"),
        {"cep": "02067-050", "numero": "10", "logradouro": ""},
        **HTMX,
    )
    html = resp.content.decode()
    assert "Endereço preenchido pelo CEP." in html
    assert 'value="Rua João Batista Alves da Silva"' in html
    assert 'value="Carandiru"' in html
    assert '<option value="3550308" selected>São Paulo</option>' in html
    assert '<option value="SP" selected>' in html


def test_cep_desconhecido_mantem_o_digitado_e_avisa(client, pessoas):
    _login(client, pessoas, "dono")
    resp = client.get(
        reverse("cadastro:cep-consultar"),
        {"cep": "00999-000", "logradouro": "Rua Digitada", "uf": "AM"},
        **HTMX,
    )
    html = resp.content.decode()
    assert "CEP não encontrado na base local" in html
    assert 'value="Rua Digitada"' in html
    assert '<option value="AM" selected>' in html


def test_cep_geral_do_municipio_preenche_so_cidade(client, pessoas):
    _login(client, pessoas, "dono")
    html = client.get(
        reverse("cadastro:cep-consultar"), {"cep": "01310100", "logradouro": "Av. Paulista"}, **HTMX
    ).content.decode()
    assert "CEP geral do município" in html
    assert 'value="Av. Paulista"' in html
    assert '<option value="3550308" selected>São Paulo</option>' in html


def test_municipios_filtrados_pela_uf(client, pessoas):
    _login(client, pessoas, "dono")
    html = client.get(reverse("cadastro:municipio-opcoes"), {"uf": "AC"}).content.decode()
    assert '<option value="1200401">Rio Branco</option>' in html  # IBGE code, never "1.200.401"
    assert "São Paulo" not in html
    assert html.count("<option") == Municipio.objects.filter(uf="AC").count() + 1
    vazio = client.get(reverse("cadastro:municipio-opcoes"), {"uf": "XX"}).content.decode()
    assert vazio.count("<option") == 1


def test_cep_e_municipios_exigem_login(client):
    assert client.get(reverse("cadastro:cep-consultar"), {"cep": "01310100"}).status_code == 302
    assert client.get(reverse("cadastro:municipio-opcoes"), {"uf": "SP"}).status_code == 302


def test_cnpj_alfanumerico_pelo_formulario(client, pessoas):
    from stdnum.br import cnpj

    corpo = "12ABC34501DE"
    numero = corpo + cnpj.calc_check_digits(corpo)
    _login(client, pessoas, "dono")
    mascarado = f"{numero[:2]}.{numero[2:5]}.{numero[5:8]}/{numero[8:12]}-{numero[12:]}".lower()
    resp = client.post(
        reverse("cadastro:cliente-criar"),
        _form_cliente(documento=mascarado, carteira=pessoas.a.pk, cnae="4711302"),
    )
    assert resp.status_code == 302
    cliente = Cliente.objects.get()
    assert (cliente.documento, cliente.tipo_pessoa) == (numero, "J")


def test_cnpj_numerico_sem_mascara(client, pessoas):
    _login(client, pessoas, "dono")
    numero = gerar_cnpj(777)
    client.post(
        reverse("cadastro:cliente-criar"), _form_cliente(documento=numero, carteira=pessoas.a.pk)
    )
    assert Cliente.objects.get().tipo_pessoa == "J"


# --- admin -----------------------------------------------------------------------------


@pytest.fixture
def superusuario(db):
    from tests.factories import UsuarioFactory

    return UsuarioFactory(username="raiz", is_staff=True, is_superuser=True)


def test_admin_busca_cliente_por_cpf_mascarado(client, pessoas, cliente, superusuario):
    client.force_login(superusuario)
    resp = client.get(
        reverse("admin:cadastro_cliente_changelist"), {"q": _mascara_cpf(cliente.documento)}
    )
    assert resp.status_code == 200
    assert "Padaria Pão Quente" in resp.content.decode()


def test_admin_altera_status_pelo_servico(client, pessoas, cliente, superusuario):
    # given an admin changing only the status in the Django admin
    novo = StatusCliente.objects.create(codigo="INAT", descricao="Inativo")
    client.force_login(superusuario)
    url = reverse("admin:cadastro_cliente_change", args=[cliente.pk])
    assert client.get(url).status_code == 200
    prefixos = ["enderecos", "telefones", "contatos_eletronicos", "pessoas_contato"]
    gestao = {}
    for p in prefixos:
        gestao.update(
            {
                f"{p}-TOTAL_FORMS": "0",
                f"{p}-INITIAL_FORMS": "0",
                f"{p}-MIN_NUM_FORMS": "0",
                f"{p}-MAX_NUM_FORMS": "1000",
            }
        )
    resp = client.post(url, {"status": novo.pk, "observacoes": "", **gestao})
    # then the change went through the service: new version, timeline event
    assert resp.status_code == 302, resp.content.decode()[:3000]
    cliente.refresh_from_db()
    assert (cliente.status, cliente.versao) == (novo, 2)
    evento = EventoCliente.objects.get(cliente=cliente, tipo=TipoEventoCliente.ALTERADO)
    assert evento.dados["campos"] == ["status"]
    assert evento.ator == superusuario


def test_admin_sem_inclusao_de_cliente_e_municipio_somente_leitura(client, superusuario):
    client.force_login(superusuario)
    assert client.get(reverse("admin:cadastro_cliente_add")).status_code == 403
    assert (
        client.get(reverse("admin:cadastro_municipio_changelist"), {"q": "Campinas"}).status_code
        == 200
    )
    resp = client.post(reverse("admin:cadastro_municipio_change", args=[3509502]), {"nome": "X"})
    assert resp.status_code == 403
    assert Municipio.objects.get(codigo_ibge=3509502).nome == "Campinas"


@pytest.mark.parametrize(
    "modelo",
    [
        "tipocliente",
        "statuscliente",
        "situacaoscpc",
        "categoriafiscal",
        "origem",
        "tipocontato",
        "localfaturamento",
        "armazem",
        "tabelavenda",
        "carteira",
        "metaindicador",
        "eventoconsentimento",
    ],
)
def test_admin_dos_cadastros_auxiliares_abre(client, superusuario, modelo):
    client.force_login(superusuario)
    assert client.get(reverse(f"admin:cadastro_{modelo}_changelist")).status_code == 200


def test_quem_so_consulta_ve_a_ficha_mas_nao_altera_nada(client, pessoas, cliente):
    # given a user whose role grants only view_cliente (+ sees every carteira)
    from django.contrib.auth.models import Permission

    from tests.factories import UsuarioFactory

    leitor = UsuarioFactory(username="leitor")
    leitor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_cliente", "ver_todos_clientes"])
    )
    client.force_login(leitor)
    # then the page opens without edit buttons, and every write is refused with 403
    html = client.get(reverse("cadastro:cliente-detalhe", args=[cliente.pk])).content.decode()
    assert reverse("cadastro:cliente-editar", args=[cliente.pk]) not in html
    tel = TelefoneFactory(cliente=cliente)
    tentativas = [
        (reverse("cadastro:cliente-editar", args=[cliente.pk]), _form_edicao(cliente, nome="X")),
        (
            reverse("cadastro:telefone-criar", args=[cliente.pk]),
            {"tipo": "fixo", "fone": "1134567890"},
        ),
        (reverse("cadastro:telefone-excluir", args=[cliente.pk, tel.pk]), {}),
        (
            reverse("cadastro:consentimento-registrar", args=[cliente.pk]),
            {"canal": "email", "concedido": "1"},
        ),
    ]
    for url, dados in tentativas:
        assert client.post(url, dados).status_code == 403
    cliente.refresh_from_db()
    assert cliente.nome == "Padaria Pão Quente"
    assert list(Telefone.objects.all()) == [tel]
    assert not EventoConsentimento.objects.exists()
