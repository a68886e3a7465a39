"""Client spreadsheet import: every rule of the seed ("Importação de clientes") and issue 4.

Files are built by each test (tests/importacoes/apoio.py); jobs run synchronously through the
same services the worker calls.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from stdnum.br import cnpj as stdnum_cnpj

from cadastro.constants import CanalContato, OrigemAlteracao, TipoEventoCliente
from cadastro.models import (
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    Telefone,
)
from crm.documentos import gerar_cnpj, gerar_cpf
from importacoes.constants import SituacaoLinha, StatusImportacao
from importacoes.models import ObjetoImportado
from tests.factories import ClienteFactory, EmailFactory, TelefoneFactory
from tests.importacoes.apoio import (
    assert_contas_fecham,
    cpf,
    criar_registros,
    erros_por_linha,
    importar,
    linha_cliente,
    planilha,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registros(db):
    return criar_registros()


@pytest.fixture
def admin(pessoas):
    return pessoas.usuarios["admin"]


ClienteEvento = Cliente.pgh_event_model  # type: ignore[attr-defined]


def _completa(n: int, **campos: object) -> dict[str, object]:
    return linha_cliente(
        n,
        **{
            "Data de nascimento / fundação": "25/12/1980",
            "Sexo": "Feminino",
            "CEP": "01310-100",
            "Logradouro": "Avenida Paulista",
            "Número": "1000",
            "Bairro": "Bela Vista",
            "Município": "São Paulo",
            "UF": "SP",
            "Telefone": "(11) 3333-4444",
            "Celular": "(11) 98765-4321",
            "E-mail": f"Cliente{n}@Exemplo.com.br",
            **campos,
        },
    )


# --- creating ---------------------------------------------------------------------------------


def test_linhas_validas_criam_clientes_filhos_evento_e_historico(registros, admin):
    # given a file with three complete, valid rows
    conteudo = planilha([_completa(1), _completa(2), _completa(3)])
    # when it is imported
    imp = importar(conteudo, admin)
    # then three clients exist with their address, two phones and e-mail
    assert (imp.status, imp.linhas_lidas, imp.criadas, imp.rejeitadas) == (
        StatusImportacao.CONCLUIDO,
        3,
        3,
        0,
    )
    cliente = Cliente.objects.get(documento=cpf(1))
    assert cliente.nome == "Cliente 1"
    assert cliente.data_nascimento == dt.date(1980, 12, 25)
    assert cliente.sexo == "F"
    assert cliente.status.codigo == "ATIVO"  # default for a new client
    endereco = cliente.enderecos.get()
    assert (endereco.cep, endereco.municipio.nome, endereco.uf, endereco.principal) == (
        "01310100",
        "São Paulo",
        "SP",
        True,
    )
    assert sorted(cliente.telefones.values_list("ddd", "numero", "tipo", "principal")) == [
        ("11", "33334444", "fixo", True),
        ("11", "987654321", "celular", False),
    ]
    assert list(cliente.contatos_eletronicos.values_list("valor", flat=True)) == [
        "cliente1@exemplo.com.br"
    ]
    # and each has ONE timeline event naming the import
    evento = EventoCliente.objects.get(cliente=cliente)
    assert evento.tipo == TipoEventoCliente.IMPORTADO
    assert evento.descricao == f"Importado pela importação {imp.pk}"
    assert evento.ator == admin
    assert evento.dados == {"importacao": imp.pk, "linha": 2}
    # and the field-level history has exactly one insert event per record, tied to the import
    historico = ClienteEvento.objects.filter(pgh_obj=cliente)
    assert [(e.pgh_label, e.nome) for e in historico] == [("insert", "Cliente 1")]
    assert historico[0].pgh_context.metadata == {
        "importacao": imp.pk, "usuario": admin.pk, "origem": "importacao", "tipo": "clientes",
    }  # fmt: skip
    assert Endereco.pgh_event_model.objects.filter(pgh_obj=endereco).count() == 1  # type: ignore[attr-defined]
    assert ObjetoImportado.objects.filter(importacao=imp, acao="criado").count() == 3


def test_cpf_digitado_como_numero_recupera_os_zeros(registros, admin):
    # given a CPF with leading zeros that the spreadsheet stored as an integer
    documento = gerar_cpf(1234)
    assert documento.startswith("0000")
    conteudo = planilha([linha_cliente(1, **{"CPF/CNPJ": int(documento)})])
    # when imported
    imp = importar(conteudo, admin)
    # then the client has the full 11-digit CPF
    assert imp.criadas == 1
    assert Cliente.objects.get().documento == documento


def test_cnpj_numerico_sem_zeros_e_cnpj_alfanumerico(registros, admin):
    # given a CNPJ that lost its zeros (now 10 digits) and an alphanumeric CNPJ with mask
    numerico = gerar_cnpj(1234)
    base = "12ABC34501DE"
    alfanumerico = base + stdnum_cnpj.calc_check_digits(base)
    conteudo = planilha(
        [
            linha_cliente(1, **{"CPF/CNPJ": int(numerico)}),
            linha_cliente(2, **{"CPF/CNPJ": "12.ABC.345/01DE-35".replace("35", alfanumerico[-2:])}),
        ]
    )
    # when imported
    imp = importar(conteudo, admin)
    # then both are companies with their normalised documents
    assert imp.criadas == 2, erros_por_linha(imp)
    assert set(Cliente.objects.values_list("documento", "tipo_pessoa")) == {
        (numerico, "J"),
        (alfanumerico, "J"),
    }


def test_identificacao_obrigatoria_com_todos_os_problemas_da_linha(registros, admin):
    # given a row missing the external code, the origin and the client type, with a bad CPF
    conteudo = planilha(
        [
            linha_cliente(1),
            {
                "CPF/CNPJ": "123.456.789-00",
                "Código externo": "",
                "Origem": "",
                "Estrangeiro": "Talvez",
                "Tipo de cliente": "XYZ",
                "Nome / Razão social": "Sem identificação",
            },
        ],
        colunas=[
            "CPF/CNPJ",
            "Código externo",
            "Origem",
            "Estrangeiro",
            "Tipo de cliente",
            "Nome / Razão social",
        ],
    )
    # when imported
    imp = importar(conteudo, admin)
    # then the good row is imported and the bad one rejected with every problem, per field
    assert (imp.criadas, imp.rejeitadas) == (1, 1)
    assert sorted(erros_por_linha(imp)[3]) == sorted(
        [
            "CPF/CNPJ: CPF 123.456.789-00: dígito verificador inválido.",
            "Código externo: Informe o código externo.",
            "Origem: Informe a origem.",
            "Estrangeiro: Estrangeiro: “Talvez” não é Sim ou Não.",
            "Tipo de cliente: Tipo de cliente “XYZ” não encontrado. Use: um código de "
            "Administração › Tipos de cliente.",
        ]
    )
    assert imp.status == StatusImportacao.CONCLUIDO_COM_ERROS


def test_estrangeiro_sem_documento_e_reconhecido_pela_origem_e_codigo(registros, admin):
    # given a foreigner without CPF
    linha = linha_cliente(
        1, **{"CPF/CNPJ": None, "Estrangeiro": "Sim", "Nome / Razão social": "John"}
    )
    # when imported twice (the second time with a new name)
    primeira = importar(planilha([linha]), admin)
    linha["Nome / Razão social"] = "John Smith"
    segunda = importar(planilha([linha]), admin)
    # then one client, updated by the second import
    assert (primeira.criadas, segunda.atualizadas) == (1, 1)
    cliente = Cliente.objects.get()
    assert (cliente.documento, cliente.estrangeiro, cliente.nome) == (None, True, "John Smith")


def test_brasileiro_sem_documento_e_rejeitado(registros, admin):
    imp = importar(planilha([linha_cliente(1, **{"CPF/CNPJ": None})]), admin)
    assert erros_por_linha(imp) == {
        2: ["CPF/CNPJ: Informe o CPF ou o CNPJ (só estrangeiro pode vir sem)."]
    }


# --- bad rows never stop the others -----------------------------------------------------------


def test_linhas_ruins_nunca_param_as_outras_em_varios_lotes(registros, admin, settings):
    # given batches of 4 rows and bad rows scattered among 20
    settings.IMPORTACAO_TAMANHO_LOTE = 4
    linhas = []
    for n in range(20):
        if n % 3 == 0:
            linhas.append(linha_cliente(n, **{"Data de nascimento / fundação": "31/02/2001"}))
        else:
            linhas.append(linha_cliente(n, **{"Data de nascimento / fundação": "01/02/2001"}))
    # when imported
    imp = importar(planilha(linhas), admin)
    # then every good row is in, every bad one explained, and the counts close
    assert (imp.linhas_lidas, imp.criadas, imp.rejeitadas) == (20, 13, 7)
    assert_contas_fecham(imp)
    assert imp.lote_confirmado == 4  # 5 batches of 4
    assert set(erros_por_linha(imp)) == {n + 2 for n in range(0, 20, 3)}
    assert Cliente.objects.count() == 13


def test_linhas_em_branco_nao_contam(registros, admin):
    conteudo = planilha([linha_cliente(1), {}, {}, linha_cliente(2)])
    imp = importar(conteudo, admin)
    assert (imp.linhas_lidas, imp.criadas) == (2, 2)


# --- duplicates inside the file -----------------------------------------------------------------


def test_mesmo_cliente_com_e_sem_mascara_vale_a_primeira_linha(registros, admin, settings):
    # given the same CPF with and without mask, the repetition in a later batch
    settings.IMPORTACAO_TAMANHO_LOTE = 2
    documento = cpf(7)
    mascara = f"{documento[:3]}.{documento[3:6]}.{documento[6:9]}-{documento[9:]}"
    conteudo = planilha(
        [
            linha_cliente(7, **{"CPF/CNPJ": mascara, "Nome / Razão social": "Primeira"}),
            linha_cliente(8),
            linha_cliente(9),
            linha_cliente(70, **{"CPF/CNPJ": documento, "Nome / Razão social": "Segunda"}),
        ]
    )
    # when imported
    imp = importar(conteudo, admin)
    # then one client, from the first row; the repetition is rejected saying which row won
    assert (imp.criadas, imp.rejeitadas, imp.duplicadas) == (3, 1, 1)
    assert Cliente.objects.get(documento=documento).nome == "Primeira"
    assert erros_por_linha(imp) == {
        5: [
            f"CPF/CNPJ: Cliente repetido na planilha: CPF {mascara} já está na linha 2 "
            "(vale a primeira ocorrência; esta linha foi ignorada)."
        ]
    }


def test_mesmo_codigo_externo_na_planilha(registros, admin):
    conteudo = planilha([linha_cliente(1), linha_cliente(2, **{"Código externo": "ERP-000001"})])
    imp = importar(conteudo, admin)
    assert (imp.criadas, imp.duplicadas) == (1, 1)
    assert "código externo ERP-000001" in erros_por_linha(imp)[3][0]


def test_primeira_ocorrencia_invalida_nao_bloqueia_a_valida(registros, admin):
    conteudo = planilha(
        [
            linha_cliente(1, **{"Data de nascimento / fundação": "40/40/2000"}),
            linha_cliente(1, **{"Nome / Razão social": "Válida"}),
        ]
    )
    imp = importar(conteudo, admin)
    assert (imp.criadas, imp.rejeitadas, imp.duplicadas) == (1, 1, 0)
    assert Cliente.objects.get().nome == "Válida"


# --- updating ---------------------------------------------------------------------------------


def test_secoes_que_atualizam_mantem_o_que_veio_vazio(registros, admin):
    # given a client with a trade name, birth date and credit limit
    cliente = ClienteFactory(
        documento=cpf(1),
        nome="Antigo",
        nome_fantasia="Fantasia",
        tipo_cliente=registros["CF"],
        data_nascimento=dt.date(1970, 1, 1),
        limite_credito=Decimal("10.00"),
    )
    # when a row brings a new name and credit limit, and leaves the rest empty
    linha = linha_cliente(
        1, **{"Nome / Razão social": "Novo", "Nome fantasia": None, "Limite de crédito": "1.234,56"}
    )
    imp = importar(planilha([linha]), admin)
    # then the filled cells replace, the empty ones keep
    cliente.refresh_from_db()
    assert imp.atualizadas == 1
    assert (
        cliente.nome,
        cliente.nome_fantasia,
        cliente.data_nascimento,
        cliente.limite_credito,
    ) == (
        "Novo",
        "Fantasia",
        dt.date(1970, 1, 1),
        Decimal("1234.56"),
    )
    assert cliente.versao == 2
    # and history recorded the change within the import's context
    ultimo = ClienteEvento.objects.filter(pgh_obj=cliente).order_by("-pgh_id").first()
    assert (ultimo.pgh_label, ultimo.nome) == ("update", "Novo")
    assert ultimo.pgh_context.metadata["importacao"] == imp.pk
    assert EventoCliente.objects.get(cliente=cliente).descricao == (
        f"Atualizado pela importação {imp.pk}"
    )


def test_dados_complementares_substituem_o_registro_anterior(registros, admin):
    # given a client with profession and football team
    ClienteFactory(documento=cpf(1), profissao="Médico", time_futebol="Santos")
    ClienteFactory(documento=cpf(2), profissao="Advogada", time_futebol="Palmeiras")
    # when one row fills only the profession and the other leaves the section empty
    conteudo = planilha(
        [linha_cliente(1, **{"Profissão / atividade": "Engenheiro"}), linha_cliente(2)],
        colunas=[*linha_cliente(1), "Profissão / atividade", "Time de futebol"],
    )
    importar(conteudo, admin)
    # then the first client's section is replaced as a whole (team cleared), the second kept
    assert Cliente.objects.get(documento=cpf(1)).time_futebol == ""
    assert Cliente.objects.get(documento=cpf(1)).profissao == "Engenheiro"
    assert Cliente.objects.get(documento=cpf(2)).time_futebol == "Palmeiras"


def test_responsaveis_categoria_fiscal_e_tabela_de_venda(registros, admin, pessoas):
    # given a client with a fiscal category
    ClienteFactory(documento=cpf(1), categoria_fiscal=registros["CONS"], carteira=None)
    conteudo = planilha(
        [
            linha_cliente(
                1,
                Carteira=pessoas.a.codigo,
                **{
                    "Categoria fiscal": "REVEN",
                    "Tabela de venda": "TAB1",
                    "Local de faturamento": "MATRIZ",
                },
            ),
            linha_cliente(2, **{"Tabela de venda": "TAB1", "Local de faturamento": "FILIAL"}),
        ]
    )
    # when imported
    imp = importar(conteudo, admin)
    # then the carteira (and its rep), the category and the table are set
    cliente = Cliente.objects.get(documento=cpf(1))
    assert cliente.carteira == pessoas.a
    assert cliente.representante == pessoas.usuarios["dono"]
    assert cliente.categoria_fiscal == registros["REVEN"]
    assert cliente.tabela_venda == registros["TAB1"]
    # and a billing location that is not the table's is refused
    assert erros_por_linha(imp) == {
        3: ["Local de faturamento: O local de faturamento não é o da tabela de venda."]
    }


def test_codigo_externo_de_outro_cliente_vira_erro_da_linha(registros, admin):
    # given a client that owns external code ERP-000009 in origin ERP
    ClienteFactory(
        documento=cpf(9),
        codigo_externo="ERP-000009",
        origem=registros["ERP"],
        nome="Dono do código",
    )
    # when another client comes with the same code
    imp = importar(planilha([linha_cliente(1, **{"Código externo": "ERP-000009"})]), admin)
    # then the row is rejected (the unique constraint never fires) with who owns it
    assert imp.rejeitadas == 1
    mensagem = erros_por_linha(imp)[2][0]
    assert mensagem.startswith("Código externo: O código externo ERP-000009 desta origem já é")
    assert "Dono do código" in mensagem


def test_cliente_novo_sem_nome_e_rejeitado_mas_existente_pode_vir_sem(registros, admin):
    ClienteFactory(documento=cpf(1), nome="Já existe")
    conteudo = planilha(
        [
            linha_cliente(1, **{"Nome / Razão social": None}),
            linha_cliente(2, **{"Nome / Razão social": None}),
        ]
    )
    imp = importar(conteudo, admin)
    assert (imp.atualizadas, imp.rejeitadas) == (1, 1)
    assert erros_por_linha(imp) == {
        3: ["Nome / Razão social: Informe o nome: o cliente é novo no CRM."]
    }
    assert Cliente.objects.get(documento=cpf(1)).nome == "Já existe"


# --- children: new only when different -----------------------------------------------------------


def test_filhos_so_sao_criados_quando_diferentes(registros, admin):
    # given a client with an address, a phone and an e-mail
    cliente = ClienteFactory(documento=cpf(1))
    Endereco.objects.create(
        cliente=cliente,
        tipo="principal",
        cep="01310100",
        logradouro="Avenida Paulista",
        numero="1000",
        uf="SP",
        principal=True,
    )
    TelefoneFactory(cliente=cliente, ddd="11", numero="987654321", principal=True)
    EmailFactory(cliente=cliente, valor="maria@exemplo.com.br", principal=True)
    # when a row brings the same ones written differently, plus a new phone
    linha = linha_cliente(
        1,
        CEP="01310-100",
        Logradouro="  AVENIDA   paulista ",
        **{"Número": 1000, "UF": "sp"},
        Celular="(11) 98765-4321",
        Telefone="11 3333 5555",
        **{"E-mail": "MARIA@Exemplo.com.br"},
    )
    imp = importar(planilha([linha]), admin)
    # then only the different phone is new; nothing else is duplicated
    assert imp.atualizadas == 1
    assert cliente.enderecos.count() == 1
    assert sorted(cliente.telefones.values_list("numero", "principal")) == [
        ("33335555", False),
        ("987654321", True),
    ]
    assert cliente.contatos_eletronicos.count() == 1
    # and a different address is added as a new (non-principal) one
    importar(planilha([linha_cliente(1, Logradouro="Rua Augusta", UF="SP")]), admin)
    assert sorted(cliente.enderecos.values_list("logradouro", "principal")) == [
        ("Avenida Paulista", True),
        ("Rua Augusta", False),
    ]


def test_reimportar_o_mesmo_arquivo_nao_duplica_nada(registros, admin, settings):
    # given a file of complete rows, imported once
    settings.IMPORTACAO_TAMANHO_LOTE = 3
    conteudo = planilha([_completa(n, **{"Aceita e-mail": "Sim"}) for n in range(7)])
    primeira = importar(conteudo, admin)
    contagens = (
        Endereco.objects.count(),
        Telefone.objects.count(),
        ContatoEletronico.objects.count(),
        EventoConsentimento.objects.count(),
        EventoCliente.objects.count(),
        ClienteEvento.objects.count(),
    )
    # when the very same file is imported again
    segunda = importar(conteudo, admin)
    # then everything is an unchanged update and nothing new was written
    assert (primeira.criadas, segunda.criadas, segunda.atualizadas, segunda.sem_alteracao) == (
        7,
        0,
        7,
        7,
    )
    assert contagens == (
        Endereco.objects.count(),
        Telefone.objects.count(),
        ContatoEletronico.objects.count(),
        EventoConsentimento.objects.count(),
        EventoCliente.objects.count(),
        ClienteEvento.objects.count(),
    )
    assert contagens[:4] == (7, 14, 7, 7)
    assert not ObjetoImportado.objects.filter(importacao=segunda).exclude(acao="sem_alteracao")


# --- consent (LGPD) -----------------------------------------------------------------------------


def test_consentimento_revogado_no_crm_nunca_e_reativado(registros, admin):
    # given a client who revoked e-mail consent on the screen
    cliente = ClienteFactory(documento=cpf(1))
    EventoConsentimento.objects.create(
        cliente=cliente, canal=CanalContato.EMAIL, concedido=True, origem=OrigemAlteracao.TELA
    )
    EventoConsentimento.objects.create(
        cliente=cliente, canal=CanalContato.EMAIL, concedido=False, origem=OrigemAlteracao.TELA
    )
    # when a file grants e-mail (and SMS) and changes the name
    linha = linha_cliente(
        1, **{"Aceita e-mail": "Sim", "Aceita SMS/WhatsApp": "Sim", "Nome / Razão social": "Novo"}
    )
    imp = importar(planilha([linha]), admin)
    # then the row is imported, SMS granted, e-mail still revoked, and the row flagged
    cliente.refresh_from_db()
    assert (cliente.nome, imp.atualizadas, imp.rejeitadas, imp.com_aviso) == ("Novo", 1, 0, 1)
    assert not Cliente.objects.filter(pk=cliente.pk).com_consentimento(CanalContato.EMAIL).exists()
    assert (
        Cliente.objects.filter(pk=cliente.pk).com_consentimento(CanalContato.SMS_WHATSAPP).exists()
    )
    problema = imp.problemas.get()
    assert problema.situacao == SituacaoLinha.IMPORTADA_COM_AVISO
    assert problema.erros == [
        {
            "coluna": "Aceita e-mail",
            "mensagem": "O cliente revogou o consentimento de E-mail no CRM; a importação não o "
            "reativa (campo recusado, demais dados importados).",
        }
    ]
    assert imp.status == StatusImportacao.CONCLUIDO


def test_revogacao_pela_planilha_e_registrada_e_nao_repetida(registros, admin):
    ClienteFactory(documento=cpf(1))
    linha = linha_cliente(1, **{"Aceita e-mail": "Não"})
    importar(planilha([linha]), admin)
    importar(planilha([linha]), admin)
    eventos = EventoConsentimento.objects.filter(canal=CanalContato.EMAIL)
    assert [(e.concedido, e.origem, e.ator_id) for e in eventos] == [
        (False, "importacao", admin.pk)
    ]


def test_revogacao_vinda_de_importacao_pode_ser_revista_pela_origem(registros, admin):
    # given a consent revoked by a previous import (the source system said "Não")
    ClienteFactory(documento=cpf(1))
    importar(planilha([linha_cliente(1, **{"Aceita e-mail": "Não"})]), admin)
    # when the source system later says "Sim"
    imp = importar(planilha([linha_cliente(1, **{"Aceita e-mail": "Sim"})]), admin)
    # then it is granted: only a revocation made in the CRM is untouchable by imports
    assert imp.com_aviso == 0
    assert Cliente.objects.com_consentimento(CanalContato.EMAIL).count() == 1


# --- formats ------------------------------------------------------------------------------------


def test_datas_e_valores_em_todos_os_formatos(registros, admin):
    conteudo = planilha(
        [
            linha_cliente(
                1,
                **{
                    "Data de nascimento / fundação": dt.date(1980, 5, 17),
                    "Limite de crédito": 1234.56,
                },
            ),
            linha_cliente(
                2,
                **{"Data de nascimento / fundação": "17/05/1980", "Limite de crédito": "1.234,56"},
            ),
            linha_cliente(
                3, **{"Data de nascimento / fundação": 29358, "Limite de crédito": "R$ 1.234,56"}
            ),
            linha_cliente(
                4, **{"Data de nascimento / fundação": "1980-05-17", "Limite de crédito": 1234}
            ),
            linha_cliente(
                5, **{"Data de nascimento / fundação": "17/13/1980", "Limite de crédito": "mil"}
            ),
        ]
    )
    imp = importar(conteudo, admin)
    valores = dict(Cliente.objects.values_list("codigo_externo", "data_nascimento"))
    assert set(valores.values()) == {dt.date(1980, 5, 17)}
    limites = sorted(Cliente.objects.values_list("limite_credito", flat=True))
    assert limites == [Decimal("1234.00"), *[Decimal("1234.56")] * 3]
    assert sorted(erros_por_linha(imp)[6]) == [
        "Data de nascimento / fundação: Data “17/13/1980” não existe no calendário.",
        "Limite de crédito: Limite de crédito “mil” não é um número (use 1.234,56).",
    ]


# --- the shell command --------------------------------------------------------------------------


def test_comando_importar_clientes(registros, admin, tmp_path: Path, capsys):
    # given a file on disk with one bad row
    arquivo = tmp_path / "clientes.xlsx"
    arquivo.write_bytes(planilha([linha_cliente(1), linha_cliente(2, Origem="NAOEXISTE")]))
    # when the command runs it
    with pytest.raises(SystemExit) as saida:
        call_command("importar_clientes", str(arquivo), "--usuario", admin.username)
    # then it imports, prints the counts, writes the error file and exits with 1
    assert saida.value.code == 1
    texto = capsys.readouterr().out
    assert "2 lidas, 1 criadas, 0 atualizadas" in texto
    assert (tmp_path / "clientes_erros.xlsx").exists()
    assert Cliente.objects.count() == 1


def test_comando_recusa_arquivo_hostil_e_usuario_sem_permissao(registros, admin, pessoas, tmp_path):
    arquivo = tmp_path / "x.xlsx"
    arquivo.write_bytes(b"cpf;nome\n1;2\n")
    with pytest.raises(SystemExit) as saida:
        call_command("importar_clientes", str(arquivo), "--usuario", admin.username)
    assert saida.value.code == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="não tem a permissão"):
        call_command("importar_clientes", str(arquivo), "--usuario", "dono")


# --- fiscal: indicador da IE, inscrição estadual, consumidor final ----------------------------


def _fiscal(cliente: Cliente) -> tuple[str, str, bool]:
    cliente.refresh_from_db()
    return cliente.indicador_ie, cliente.inscricao_estadual, cliente.consumidor_final


def test_indicador_ie_inscricao_e_consumidor_final_de_clientes_novos(registros, admin):
    # given rows with the full pair, only the IE, nothing fiscal, and the NF-e codes
    conteudo = planilha(
        [
            linha_cliente(
                1,
                **{
                    "Indicador da IE": "Contribuinte",
                    "Inscrição estadual": "110.042.490.114",
                    "Consumidor final": "Não",
                },
            ),
            linha_cliente(2, **{"Inscrição estadual": "110042490114"}),
            linha_cliente(3),
            linha_cliente(4, **{"Indicador da IE": "2"}),
        ]
    )
    # when imported
    imp = importar(conteudo, admin)
    # then each client carries what the tax engine needs
    assert (imp.criadas, imp.rejeitadas) == (4, 0), erros_por_linha(imp)
    por_doc = {c.documento: c for c in Cliente.objects.all()}
    assert _fiscal(por_doc[cpf(1)]) == ("1", "110042490114", False)
    assert _fiscal(por_doc[cpf(2)]) == ("1", "110042490114", True)  # IE alone: contribuinte
    assert _fiscal(por_doc[cpf(3)]) == ("9", "", True)  # the model's defaults
    assert _fiscal(por_doc[cpf(4)]) == ("2", "", True)


def test_regra_da_ie_recusa_a_linha_e_preserva_as_outras(registros, admin):
    # given an isento with an IE, a contribuinte without one, an unknown indicator, a bad IE
    conteudo = planilha(
        [
            linha_cliente(1, **{"Indicador da IE": "Isento", "Inscrição estadual": "123456"}),
            linha_cliente(2, **{"Indicador da IE": "Contribuinte"}),
            linha_cliente(3, **{"Indicador da IE": "Talvez"}),
            linha_cliente(4, **{"Inscrição estadual": "ISENTO"}),
            linha_cliente(5, **{"Indicador da IE": "Não contribuinte"}),
        ]
    )
    # when imported
    imp = importar(conteudo, admin)
    # then each bad row says why (the client form's words) and the good one is in
    assert (imp.criadas, imp.rejeitadas) == (1, 4)
    assert erros_por_linha(imp) == {
        2: ["Inscrição estadual: Contribuinte isento não tem inscrição estadual: deixe vazio."],
        3: ["Inscrição estadual: Contribuinte do ICMS: informe a inscrição estadual."],
        4: [
            "Indicador da IE: Indicador da IE “Talvez” não encontrado. Use: Contribuinte, "
            "Isento ou Não contribuinte (1, 2, 9)."
        ],
        5: [
            "Inscrição estadual: Para isento, escolha o indicador “Contribuinte isento” e "
            "deixe a inscrição vazia."
        ],
    }
    assert Cliente.objects.get().documento == cpf(5)


def test_par_indicador_e_inscricao_substitui_e_ausente_mantem(registros, admin):
    # given two contribuintes with IE, buying for resale
    campos = {"indicador_ie": "1", "inscricao_estadual": "110042490114", "consumidor_final": False}
    um = ClienteFactory(documento=cpf(1), **campos)
    dois = ClienteFactory(documento=cpf(2), **campos)
    # when one row says "Não contribuinte" only and the other brings no fiscal column
    imp = importar(
        planilha([linha_cliente(1, **{"Indicador da IE": "Não contribuinte"}), linha_cliente(2)]),
        admin,
    )
    # then the pair is replaced as a whole for the first and kept for the second
    assert imp.rejeitadas == 0, erros_por_linha(imp)
    assert _fiscal(um) == ("9", "", False)
    assert _fiscal(dois) == ("1", "110042490114", False)
