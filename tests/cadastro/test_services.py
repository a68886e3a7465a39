"""cadastro.services: the client record writes, their events and audit context."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cadastro import selectors, services
from cadastro.constants import OrigemAlteracao, TipoEventoCliente, TipoPessoa
from cadastro.models import (
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    Municipio,
    Origem,
    PessoaContato,
    StatusCliente,
    Telefone,
    TipoCliente,
    TipoContato,
)
from crm.documentos import gerar_cnpj, gerar_cpf
from tests.factories import CarteiraFactory, ClienteFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

ClienteEvent = apps.get_model("cadastro", "ClienteEvent")
TelefoneEvent = apps.get_model("cadastro", "TelefoneEvent")


@pytest.fixture
def aux(db):
    tipo, _ = TipoCliente.objects.get_or_create(codigo="CF", defaults={"descricao": "Consumidor"})
    status, _ = StatusCliente.objects.get_or_create(codigo="ATIVO", defaults={"descricao": "Ativo"})
    origem, _ = Origem.objects.get_or_create(codigo="ERP", defaults={"descricao": "ERP"})
    return {"tipo_cliente": tipo, "status": status, "origem": origem}


def _dados(aux, **extra):
    base = {"nome": "Maria da Silva", "tipo_cliente": aux["tipo_cliente"], "status": aux["status"]}
    base.update(extra)
    return base


def _sp() -> Municipio:
    return Municipio.objects.get(codigo_ibge=3550308)


# --- cliente_criar ---------------------------------------------------------------------


def test_criar_deriva_tipo_pessoa_normaliza_documento_e_registra_evento(pessoas, aux):
    # given a rep and a masked CPF
    dono = pessoas.usuarios["dono"]
    cpf = gerar_cpf(123456789)
    mascarado = f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
    # when the client is created
    cliente = services.cliente_criar(
        dados=_dados(aux, documento=mascarado, carteira=pessoas.a), ator=dono
    )
    # then the document is stored bare, the person type derived, and the timeline has "criado"
    cliente.refresh_from_db()
    assert cliente.documento == cpf
    assert cliente.tipo_pessoa == TipoPessoa.FISICA
    assert cliente.versao == 1
    evento = EventoCliente.objects.get(cliente=cliente)
    assert evento.tipo == TipoEventoCliente.CRIADO
    assert evento.ator == dono


def test_criar_com_cnpj_alfanumerico_e_pessoa_juridica(pessoas, aux):
    from stdnum.br import cnpj

    corpo = "12ABC34501DE"
    numero = corpo + cnpj.calc_check_digits(corpo)
    cliente = services.cliente_criar(
        dados=_dados(aux, documento=numero.lower(), carteira=pessoas.a, cnae="4711-3/02"),
        ator=pessoas.usuarios["dono"],
    )
    assert cliente.documento == numero
    assert cliente.tipo_pessoa == TipoPessoa.JURIDICA
    assert cliente.cnae == "4711302"


def test_criar_registra_usuario_e_origem_no_contexto_do_historico(pessoas, aux):
    # given a service called outside any request (an import job)
    admin = pessoas.usuarios["admin"]
    # when it creates a client
    cliente = services.cliente_criar(
        dados=_dados(aux, documento=gerar_cpf(5)), ator=admin, origem=OrigemAlteracao.IMPORTACAO
    )
    # then the audit row knows who and from where
    evento = ClienteEvent.objects.select_related("pgh_context").get(pgh_obj_id=cliente.pk)
    assert evento.pgh_context.metadata["user"] == admin.pk
    assert evento.pgh_context.metadata["origem"] == "importacao"


def test_criar_com_cpf_duplicado_vira_cliente_duplicado_sem_quebrar_a_transacao(pessoas, aux):
    # given a client with this CPF
    existente = ClienteFactory(carteira=pessoas.a)
    # when another is created with the same CPF (masked)
    doc = existente.documento
    with pytest.raises(services.ClienteDuplicado) as erro:
        services.cliente_criar(
            dados=_dados(
                aux, documento=f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}", carteira=pessoas.a
            ),
            ator=pessoas.usuarios["dono"],
        )
    # then the error names the existing client and the transaction is still usable
    assert erro.value.campo == "documento"
    assert erro.value.existente == existente
    assert Cliente.objects.filter(documento=doc).count() == 1
    assert not EventoCliente.objects.filter(tipo=TipoEventoCliente.CRIADO).exists()


def test_codigo_externo_duplicado_na_mesma_origem(pessoas, aux):
    services.cliente_criar(
        dados=_dados(aux, documento=gerar_cpf(11), codigo_externo="X-1", origem=aux["origem"]),
        ator=pessoas.usuarios["admin"],
    )
    with pytest.raises(services.ClienteDuplicado) as erro:
        services.cliente_criar(
            dados=_dados(aux, documento=gerar_cpf(12), codigo_externo="X-1", origem=aux["origem"]),
            ator=pessoas.usuarios["admin"],
        )
    assert erro.value.campo == "codigo_externo"


@pytest.mark.parametrize(
    ("extra", "campo", "trecho"),
    [
        ({"documento": "123.456.789-00"}, "documento", "dígito verificador"),
        ({"documento": ""}, "documento", "Informe o CPF ou o CNPJ"),
        ({"documento": "", "estrangeiro": True}, "tipo_pessoa", "pessoa física ou jurídica"),
        ({"documento": gerar_cpf(7), "estrangeiro": True}, "documento", "Estrangeiro não tem CPF"),
        ({"documento": gerar_cpf(8), "cnae": "4711302"}, "cnae", "só se aplica a pessoa jurídica"),
        ({"documento": gerar_cnpj(8), "cnae": "47113"}, "cnae", "7 dígitos"),
        ({"documento": gerar_cpf(9), "codigo_externo": "A1"}, "origem", "origem do código"),
        (
            {"documento": gerar_cnpj(13), "indicador_ie": "1"},
            "inscricao_estadual",
            "informe a inscrição estadual",
        ),
        (
            {"documento": gerar_cpf(10), "limite_credito": Decimal("-1")},
            "limite_credito",
            "negativo",
        ),
    ],
)
def test_criar_recusa_regras_com_mensagem_por_campo(pessoas, aux, extra, campo, trecho):
    with pytest.raises(ValidationError) as erro:
        services.cliente_criar(dados=_dados(aux, **extra), ator=pessoas.usuarios["admin"])
    assert trecho in " ".join(erro.value.message_dict[campo])
    assert not Cliente.objects.exists()


def test_estrangeiro_sem_documento_escolhe_tipo_pessoa(pessoas, aux):
    cliente = services.cliente_criar(
        dados=_dados(aux, estrangeiro=True, tipo_pessoa=TipoPessoa.JURIDICA),
        ator=pessoas.usuarios["admin"],
    )
    assert cliente.documento is None
    assert cliente.tipo_pessoa == TipoPessoa.JURIDICA


def test_rep_nao_coloca_cliente_em_carteira_que_nao_ve(pessoas, aux):
    # given the carteira of a colleague
    with pytest.raises(ValidationError) as erro:
        services.cliente_criar(
            dados=_dados(aux, documento=gerar_cpf(21), carteira=pessoas.b),
            ator=pessoas.usuarios["dono"],
        )
    assert "carteira" in erro.value.message_dict
    assert not Cliente.objects.exists()


def test_campo_desconhecido_e_erro_de_programacao(pessoas, aux):
    with pytest.raises(TypeError):
        services.cliente_criar(
            dados=_dados(aux, documento=gerar_cpf(22), versao=9), ator=pessoas.usuarios["admin"]
        )


def test_limite_de_credito_arredondado_meio_para_cima(pessoas, aux):
    cliente = services.cliente_criar(
        dados=_dados(aux, documento=gerar_cpf(23), limite_credito=Decimal("10.005")),
        ator=pessoas.usuarios["admin"],
    )
    cliente.refresh_from_db()
    assert cliente.limite_credito == Decimal("10.01")


# --- cliente_atualizar -----------------------------------------------------------------


def test_atualizar_registra_campos_alterados_e_sobe_versao(pessoas, aux):
    # given a client at version 1
    cliente = ClienteFactory(carteira=pessoas.a, nome="Antigo")
    dono = pessoas.usuarios["dono"]
    # when the rep changes name and credit limit, and re-types the same document with mask
    doc = cliente.documento
    services.cliente_atualizar(
        cliente=cliente,
        dados={
            "nome": "Novo",
            "limite_credito": Decimal("1234.56"),
            "documento": f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}",
        },
        ator=dono,
        versao=1,
    )
    # then the version goes up and the event lists exactly the changed fields
    cliente.refresh_from_db()
    assert (cliente.nome, cliente.versao) == ("Novo", 2)
    evento = EventoCliente.objects.get(cliente=cliente, tipo=TipoEventoCliente.ALTERADO)
    assert sorted(evento.dados["campos"]) == ["limite_credito", "nome"]
    assert "nome / razão social" in evento.descricao
    assert evento.ator == dono


def test_atualizar_sem_mudanca_nao_gera_evento_nem_versao(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    services.cliente_atualizar(
        cliente=cliente, dados={"nome": cliente.nome}, ator=pessoas.usuarios["dono"], versao=1
    )
    cliente.refresh_from_db()
    assert cliente.versao == 1
    assert not EventoCliente.objects.filter(tipo=TipoEventoCliente.ALTERADO).exists()


def test_atualizar_com_versao_antiga_levanta_conflito_e_nao_grava(pessoas):
    # given a client that the supervisor saved after the rep opened the form (version 1)
    cliente = ClienteFactory(carteira=pessoas.a, nome="Original")
    supervisor = pessoas.usuarios["supervisor"]
    services.cliente_atualizar(
        cliente=cliente, dados={"nome": "Do supervisor"}, ator=supervisor, versao=1
    )
    # when the rep saves with the version they saw
    with pytest.raises(services.ConflitoDeVersao) as erro:
        services.cliente_atualizar(
            cliente=Cliente.objects.get(pk=cliente.pk),
            dados={"nome": "Do rep"},
            ator=pessoas.usuarios["dono"],
            versao=1,
        )
    # then the conflict names who changed it, and the supervisor's value stays
    assert erro.value.ultima.usuario == supervisor
    assert erro.value.ultima.quando is not None
    cliente.refresh_from_db()
    assert (cliente.nome, cliente.versao) == ("Do supervisor", 2)


def test_atualizar_mantem_carteira_que_o_ator_nao_ve_mas_nao_move_para_ela(pessoas):
    # given SAC (sees clients of every carteira, owns none) editing a client of carteira A
    cliente = ClienteFactory(carteira=pessoas.a)
    sac = pessoas.usuarios["sac"]
    # when SAC changes the name only, keeping carteira A: fine
    services.cliente_atualizar(
        cliente=cliente, dados={"nome": "X", "carteira": pessoas.a}, ator=sac
    )
    # but moving it to carteira B is refused
    with pytest.raises(ValidationError):
        services.cliente_atualizar(cliente=cliente, dados={"carteira": pessoas.b}, ator=sac)
    cliente.refresh_from_db()
    assert cliente.carteira == pessoas.a


def test_atualizar_para_documento_de_outro_cliente(pessoas):
    outro = ClienteFactory(carteira=pessoas.b)
    cliente = ClienteFactory(carteira=pessoas.a)
    with pytest.raises(services.ClienteDuplicado) as erro:
        services.cliente_atualizar(
            cliente=cliente, dados={"documento": outro.documento}, ator=pessoas.usuarios["admin"]
        )
    assert erro.value.existente == outro


# --- addresses -------------------------------------------------------------------------


def _endereco(**extra):
    base = {
        "tipo": "comercial",
        "cep": "01310100",
        "logradouro": "Av. Paulista",
        "numero": "1000",
        "bairro": "Bela Vista",
        "uf": "SP",
        "municipio": _sp(),
    }
    base.update(extra)
    return base


def test_primeiro_endereco_e_principal_e_novo_principal_rebaixa_o_anterior(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    primeiro = services.endereco_salvar(cliente=cliente, dados=_endereco(), ator=dono)
    assert primeiro.principal
    segundo = services.endereco_salvar(
        cliente=cliente, dados=_endereco(logradouro="Rua B", principal=True), ator=dono
    )
    primeiro.refresh_from_db()
    assert segundo.principal and not primeiro.principal
    eventos = EventoCliente.objects.filter(cliente=cliente, tipo=TipoEventoCliente.ENDERECO)
    assert eventos.count() == 2
    assert "Endereço incluído" in eventos.first().descricao


def test_endereco_com_municipio_de_outra_uf_e_recusado(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    with pytest.raises(ValidationError) as erro:
        services.endereco_salvar(
            cliente=cliente, dados=_endereco(uf="RJ"), ator=pessoas.usuarios["dono"]
        )
    assert "não pertence à UF RJ" in erro.value.message_dict["municipio"][0]
    assert not Endereco.objects.exists()


def test_alterar_endereco_registra_campos_e_sem_mudanca_nada_registra(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    endereco = services.endereco_salvar(cliente=cliente, dados=_endereco(), ator=dono)
    services.endereco_salvar(
        cliente=cliente, endereco=endereco, dados=_endereco(numero="2000"), ator=dono
    )
    services.endereco_salvar(
        cliente=cliente, endereco=endereco, dados=_endereco(numero="2000"), ator=dono
    )
    eventos = list(EventoCliente.objects.filter(cliente=cliente).order_by("id"))
    assert [e.dados.get("acao") for e in eventos] == ["incluido", "alterado"]
    assert eventos[1].dados["campos"] == ["numero"]


def test_excluir_endereco_principal_promove_o_mais_antigo(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    a = services.endereco_salvar(cliente=cliente, dados=_endereco(), ator=dono)
    b = services.endereco_salvar(cliente=cliente, dados=_endereco(logradouro="Rua B"), ator=dono)
    services.endereco_excluir(endereco=a, ator=dono)
    b.refresh_from_db()
    assert b.principal
    assert EventoCliente.objects.filter(descricao__startswith="Endereço excluído").exists()


def test_endereco_de_outro_cliente_nao_e_alterado(pessoas):
    dono = pessoas.usuarios["dono"]
    c1, c2 = ClienteFactory(carteira=pessoas.a), ClienteFactory(carteira=pessoas.a)
    endereco = services.endereco_salvar(cliente=c1, dados=_endereco(), ator=dono)
    with pytest.raises(ValueError, match="não pertence"):
        services.endereco_salvar(cliente=c2, endereco=endereco, dados={"numero": "9"}, ator=dono)


# --- phones, electronic contacts, contact persons --------------------------------------


def test_telefone_criar_alterar_excluir_com_eventos(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    tel = services.telefone_salvar(
        cliente=cliente, dados={"tipo": "celular", "ddd": "11", "numero": "987654321"}, ator=dono
    )
    assert tel.principal
    services.telefone_salvar(
        cliente=cliente, telefone=tel, dados={"numero": "987650000", "whatsapp": True}, ator=dono
    )
    tel.refresh_from_db()
    assert (tel.numero, tel.whatsapp) == ("987650000", True)
    services.telefone_excluir(telefone=tel, ator=dono)
    assert not Telefone.objects.exists()
    descricoes = list(
        EventoCliente.objects.filter(cliente=cliente)
        .order_by("id")
        .values_list("descricao", flat=True)
    )
    assert descricoes == [
        "Telefone incluído: (11) 98765-4321",
        "Telefone alterado: (11) 98765-0000",
        "Telefone excluído: (11) 98765-0000",
    ]


def test_telefone_invalido_e_recusado_pelo_servico(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    with pytest.raises(ValidationError) as erro:
        services.telefone_salvar(
            cliente=cliente,
            dados={"tipo": "fixo", "ddd": "01", "numero": "12"},
            ator=pessoas.usuarios["dono"],
        )
    assert set(erro.value.message_dict) == {"ddd", "numero"}


def test_so_um_telefone_principal(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    a = services.telefone_salvar(
        cliente=cliente, dados={"tipo": "fixo", "ddd": "11", "numero": "34567890"}, ator=dono
    )
    b = services.telefone_salvar(
        cliente=cliente,
        dados={"tipo": "fixo", "ddd": "11", "numero": "34567891", "principal": True},
        ator=dono,
    )
    assert list(cliente.telefones.filter(principal=True)) == [b]
    services.telefone_excluir(telefone=b, ator=dono)
    a.refresh_from_db()
    assert a.principal


def test_contato_eletronico_email_minusculo_e_principal_por_tipo(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    email = services.contato_eletronico_salvar(
        cliente=cliente, dados={"tipo": "email", "valor": " Fulano@Exemplo.COM.br "}, ator=dono
    )
    site = services.contato_eletronico_salvar(
        cliente=cliente, dados={"tipo": "site", "valor": "https://exemplo.com.br"}, ator=dono
    )
    assert email.valor == "fulano@exemplo.com.br"
    assert email.principal and site.principal  # one principal per kind
    services.contato_eletronico_excluir(contato=email, ator=dono)
    assert list(ContatoEletronico.objects.all()) == [site]
    assert EventoCliente.objects.filter(tipo=TipoEventoCliente.CONTATO).count() == 3


def test_pessoa_contato_ciclo_completo(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    tipo = TipoContato.objects.create(codigo="COMP", descricao="Comprador")
    pessoa = services.pessoa_contato_salvar(
        cliente=cliente,
        dados={"nome": "João", "tipo": tipo, "email": "JOAO@X.COM", "telefone": "11987654321"},
        ator=dono,
    )
    assert pessoa.email == "joao@x.com"
    services.pessoa_contato_salvar(
        cliente=cliente, pessoa=pessoa, dados={"cargo": "Gerente"}, ator=dono
    )
    services.pessoa_contato_excluir(pessoa=pessoa, ator=dono)
    assert not PessoaContato.objects.exists()
    assert list(
        EventoCliente.objects.filter(cliente=cliente)
        .order_by("id")
        .values_list("descricao", flat=True)
    ) == [
        "Pessoa de contato incluída: João",
        "Pessoa de contato alterada: João",
        "Pessoa de contato excluída: João",
    ]


# --- consent ---------------------------------------------------------------------------


def test_consentimento_estado_atual_e_o_ultimo_evento_por_canal(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    services.consentimento_registrar(
        cliente=cliente, canal="email", concedido=True, ator=dono, origem="tela"
    )
    services.consentimento_registrar(
        cliente=cliente,
        canal="email",
        concedido=False,
        ator=dono,
        origem="tela",
        observacao="pediu para sair",
    )
    services.consentimento_registrar(
        cliente=cliente, canal="carta", concedido=True, ator=None, origem="importacao"
    )
    atuais = {c.canal: c for c in selectors.consentimentos_atuais(cliente)}
    assert atuais["email"].situacao == "Revogado"
    assert atuais["email"].evento.observacao == "pediu para sair"
    assert atuais["carta"].concedido is True
    assert atuais["sms_whatsapp"].situacao == "Não informado"
    assert not atuais["sms_whatsapp"].concedido
    # every change is kept, and each wrote a timeline event
    assert EventoConsentimento.objects.filter(cliente=cliente).count() == 3
    tipos = list(EventoCliente.objects.filter(cliente=cliente).values_list("tipo", flat=True))
    assert sorted(tipos) == sorted(
        [
            TipoEventoCliente.CONSENTIMENTO_DADO,
            TipoEventoCliente.CONSENTIMENTO_REVOGADO,
            TipoEventoCliente.CONSENTIMENTO_DADO,
        ]
    )


def test_consentimento_e_append_only(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    evento = services.consentimento_registrar(
        cliente=cliente,
        canal="email",
        concedido=True,
        ator=pessoas.usuarios["dono"],
        origem="tela",
    )
    # when someone tries to rewrite or erase it, the database refuses
    with pytest.raises(DatabaseError), transaction.atomic():
        EventoConsentimento.objects.filter(pk=evento.pk).update(concedido=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        evento.concedido = False
        evento.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        EventoConsentimento.objects.filter(pk=evento.pk).delete()
    evento.refresh_from_db()
    assert evento.concedido is True


def test_consentimento_canal_invalido(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    with pytest.raises(ValidationError):
        services.consentimento_registrar(
            cliente=cliente, canal="pombo", concedido=True, ator=None, origem="tela"
        )
    assert not EventoConsentimento.objects.exists()


def test_consentimentos_atuais_numa_consulta(pessoas, django_assert_num_queries):
    cliente = ClienteFactory(carteira=pessoas.a)
    for canal in ("email", "carta", "telefone", "sms_whatsapp"):
        for concedido in (True, False, True):
            services.consentimento_registrar(
                cliente=cliente,
                canal=canal,
                concedido=concedido,
                ator=pessoas.usuarios["dono"],
                origem="tela",
            )
    with django_assert_num_queries(1):
        atuais = selectors.consentimentos_atuais(cliente)
        assert all(c.evento.ator.username == "dono" for c in atuais)
    assert all(c.concedido for c in atuais)


# --- audit history and timeline --------------------------------------------------------


def test_historico_mostra_edicao_de_telefone_com_antes_depois_e_usuario(pessoas):
    # given a phone edited by the rep
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    tel = services.telefone_salvar(
        cliente=cliente, dados={"tipo": "celular", "ddd": "11", "numero": "987654321"}, ator=dono
    )
    services.telefone_salvar(
        cliente=cliente, telefone=tel, dados={"numero": "912345678", "operadora": "vivo"}, ator=dono
    )
    # when the history is read
    entradas = list(selectors.historico_cliente(cliente))
    # then the edit shows old → new with pt-BR labels and the user
    edicao = next(e for e in entradas if e.modelo == "Telefone" and e.acao == "alterado")
    assert edicao.usuario == dono
    assert edicao.origem == "Tela"
    mudancas = {m.campo: (m.antes, m.depois) for m in edicao.mudancas}
    assert mudancas["número"] == ("98765-4321", "91234-5678")
    assert mudancas["operadora"] == ("—", "Vivo")
    assert any(e.modelo == "Telefone" and e.acao == "incluído" for e in entradas)


def test_historico_do_cliente_com_chaves_estrangeiras_e_datas_legiveis(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    novo_status = StatusCliente.objects.create(codigo="INAT", descricao="Inativo")
    from datetime import date

    services.cliente_atualizar(
        cliente=cliente,
        dados={
            "status": novo_status,
            "data_nascimento": date(1990, 2, 1),
            "limite_credito": Decimal("1234.5"),
            "crediario": True,
        },
        ator=pessoas.usuarios["supervisor"],
    )
    entrada = next(e for e in selectors.historico_cliente(cliente) if e.acao == "alterado")
    mudancas = {m.campo: (m.antes, m.depois) for m in entrada.mudancas}
    assert mudancas["status"] == ("Ativo", "Inativo")
    assert mudancas["data de nascimento / fundação"] == ("—", "01/02/1990")
    assert mudancas["limite de crédito"] == ("—", "1.234,50")
    assert mudancas["crediário"] == ("Não", "Sim")
    assert entrada.usuario == pessoas.usuarios["supervisor"]


def test_historico_exclusao_e_consultas_fixas(pessoas, django_assert_max_num_queries):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    for i in range(15):
        tel = TelefoneFactory(cliente=cliente)
        services.telefone_salvar(
            cliente=cliente, telefone=tel, dados={"numero": f"95555{i:04d}"}, ator=dono
        )
    services.telefone_excluir(telefone=cliente.telefones.first(), ator=dono)
    with django_assert_max_num_queries(4):
        pagina = selectors.historico_cliente(cliente)
        entradas = list(pagina)
    # every audit row of the client and its phones is there (incl. principal promotions)
    assert pagina.paginator.count == (
        ClienteEvent.objects.filter(pgh_obj_id=cliente.pk).count()
        + TelefoneEvent.objects.filter(cliente_id=cliente.pk).count()
    )
    assert pagina.paginator.count >= 1 + 15 * 2 + 1
    assert len(entradas) == 25
    # (inside one test transaction every audit row has the same timestamp, so the order across
    # tables is arbitrary here; each request is its own transaction in real use)
    todas = entradas + list(selectors.historico_cliente(cliente, pagina=2))
    assert [e.acao for e in todas].count("excluído") == 1


def test_linha_do_tempo_mais_recente_primeiro_e_paginada(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    for i in range(30):
        services.cliente_atualizar(cliente=cliente, dados={"nome": f"Nome {i}"}, ator=dono)
    pagina = selectors.linha_do_tempo(cliente, pagina=1)
    assert pagina.paginator.count == 30
    assert len(pagina.object_list) == 25
    assert pagina.object_list[0].dados["versao"] == 31
    assert list(selectors.linha_do_tempo(cliente, pagina=2))[-1].dados["versao"] == 2


def test_ultima_alteracao_sem_auditoria_cai_na_linha_do_tempo(pessoas):
    cliente = ClienteFactory(carteira=pessoas.a)
    ClienteEvent.objects.filter(pgh_obj_id=cliente.pk).delete()
    EventoCliente.registrar(
        cliente=cliente,
        tipo=TipoEventoCliente.ALTERADO,
        ator=pessoas.usuarios["sac"],
        descricao="x",
    )
    ultima = selectors.cliente_ultima_alteracao(cliente)
    assert ultima.usuario == pessoas.usuarios["sac"]


def test_carteira_visivel_do_supervisor_aceita(pessoas, aux):
    # the supervisor of the rep's team may put a client in that rep's carteira
    outra = CarteiraFactory(representante=pessoas.usuarios["dono"])
    cliente = services.cliente_criar(
        dados=_dados(aux, documento=gerar_cpf(31), carteira=outra),
        ator=pessoas.usuarios["supervisor"],
    )
    assert cliente.carteira == outra


def test_historico_de_linha_sem_registro_anterior_aparece_sem_diff(pessoas):
    # given a client loaded in bulk with the triggers off (no insert snapshot in the audit)
    cliente = ClienteFactory(carteira=pessoas.a)
    ClienteEvent.objects.filter(pgh_obj_id=cliente.pk).delete()
    tel = TelefoneFactory(cliente=cliente)
    TelefoneEvent.objects.filter(pgh_obj_id=tel.pk).delete()
    # when it is edited for the first time
    services.cliente_atualizar(
        cliente=cliente, dados={"nome": "Novo"}, ator=pessoas.usuarios["dono"]
    )
    services.telefone_salvar(
        cliente=cliente, telefone=tel, dados={"whatsapp": True}, ator=pessoas.usuarios["dono"]
    )
    # then each edit is listed, flagged as having no earlier values, never silently dropped
    entradas = list(selectors.historico_cliente(cliente))
    resumo = {(e.modelo, e.sem_anterior, tuple(m.campo for m in e.mudancas)) for e in entradas}
    assert resumo == {
        ("Cliente", True, ()),
        ("Telefone", True, ()),
        # the same save then promoted the phone to principal: that one has a real diff
        ("Telefone", False, ("principal",)),
    }
