"""cadastro.forms: whatever is typed or pasted, masked or not, is understood; errors in pt-BR."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from stdnum.br import cnpj as stdnum_cnpj

from cadastro.forms import (
    ClienteForm,
    ContatoEletronicoForm,
    DataBRField,
    EnderecoForm,
    PessoaContatoForm,
    TelefoneForm,
    ValorMonetarioField,
)
from cadastro.models import Origem, StatusCliente, TipoCliente, TipoContato
from crm.documentos import gerar_cnpj, gerar_cpf
from tests.factories import ClienteFactory

pytestmark = pytest.mark.django_db


# --- money and dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digitado", "esperado"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("R$ 1.234,56", Decimal("1234.56")),
        ("R$1.234.567,8", Decimal("1234567.8")),
        ("1234.56", Decimal("1234.56")),  # pasted from a system that uses the dot
        ("1,234.56", Decimal("1234.56")),
        ("1.234", Decimal("1234")),  # pt-BR thousands
        ("0,5", Decimal("0.5")),
        ("  300 ", Decimal("300")),
        ("", None),
    ],
)
def test_valor_monetario_aceita_formatos_brasileiros(digitado, esperado):
    assert ValorMonetarioField(required=False).clean(digitado) == esperado


@pytest.mark.parametrize("digitado", ["abc", "1,2,3", "12a", "R$", "1.2.3,4,5"])
def test_valor_monetario_invalido_tem_mensagem_em_portugues(digitado):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as erro:
        ValorMonetarioField(required=False).clean(digitado)
    assert erro.value.messages == ["Informe um valor como 1.234,56."]


def test_valor_monetario_com_tres_casas_e_recusado():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as erro:
        ValorMonetarioField(required=False).clean("10,005")
    assert "2 casas decimais" in erro.value.messages[0]


@pytest.mark.parametrize("digitado", ["01/02/1990", "01021990", "1990-02-01", "01/02/90"])
def test_data_com_ou_sem_mascara(digitado):
    assert DataBRField(required=False).clean(digitado) == date(1990, 2, 1)


def test_data_invalida_futura_ou_antiga():
    from django.core.exceptions import ValidationError

    campo = DataBRField(required=False, passado=True)
    for digitado, trecho in [
        ("31/02/1990", "Informe uma data válida"),
        ((date.today() + timedelta(days=2)).strftime("%d/%m/%Y"), "não pode estar no futuro"),
        ("01/01/1850", "a partir de 1900"),
    ]:
        with pytest.raises(ValidationError) as erro:
            campo.clean(digitado)
        assert trecho in erro.value.messages[0]


# --- client form -----------------------------------------------------------------------


@pytest.fixture
def base():
    tipo, _ = TipoCliente.objects.get_or_create(codigo="CF", defaults={"descricao": "Consumidor"})
    status, _ = StatusCliente.objects.get_or_create(codigo="ATIVO", defaults={"descricao": "Ativo"})
    return {
        "nome": "Fulano",
        "tipo_cliente": str(tipo.pk),
        "status": str(status.pk),
        "indicador_ie": "9",
    }


def _form(pessoas, base, quem="dono", cliente=None, **dados):
    dados = {**base, "carteira": str(pessoas.a.pk), **dados}
    return ClienteForm(dados, user=pessoas.usuarios[quem], cliente=cliente)


def _cnpj_alfa() -> str:
    corpo = "12ABC34501DE"
    return corpo + stdnum_cnpj.calc_check_digits(corpo)


def _cpf_mascarado(c: str) -> str:
    return f"{c[:3]}.{c[3:6]}.{c[6:9]}-{c[9:]}"


def _cnpj_mascarado(c: str) -> str:
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"


@pytest.mark.parametrize(
    ("digitado", "numero", "tipo"),
    [
        (gerar_cpf(123), gerar_cpf(123), "F"),
        (_cpf_mascarado(gerar_cpf(124)), gerar_cpf(124), "F"),
        (" " + gerar_cpf(125) + " ", gerar_cpf(125), "F"),
        (gerar_cnpj(126), gerar_cnpj(126), "J"),
        (_cnpj_mascarado(gerar_cnpj(127)), gerar_cnpj(127), "J"),
        (_cnpj_alfa().lower(), _cnpj_alfa(), "J"),
        (_cnpj_mascarado(_cnpj_alfa()), _cnpj_alfa(), "J"),
    ],
)
def test_documento_com_ou_sem_mascara_define_tipo_pessoa(pessoas, base, digitado, numero, tipo):
    form = _form(pessoas, base, documento=digitado)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["documento"] == numero
    assert form.cleaned_data["tipo_pessoa"] == tipo


def test_documento_invalido_mantem_o_digitado(pessoas, base):
    form = _form(pessoas, base, documento="111.444.777-00")
    assert not form.is_valid()
    assert "dígito verificador inválido" in form.errors["documento"][0]
    assert form["documento"].value() == "111.444.777-00"


def test_cpf_com_digitos_repetidos(pessoas, base):
    form = _form(pessoas, base, documento="111.111.111-11")
    assert not form.is_valid()
    assert "dígitos repetidos" in form.errors["documento"][0]


def test_estrangeiro_sem_documento_exige_tipo_pessoa(pessoas, base):
    form = _form(pessoas, base, estrangeiro="on")
    assert not form.is_valid()
    assert "pessoa física ou jurídica" in form.errors["tipo_pessoa"][0]
    form = _form(pessoas, base, estrangeiro="on", tipo_pessoa="F")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["documento"] is None


def test_estrangeiro_com_cpf_e_recusado(pessoas, base):
    form = _form(pessoas, base, estrangeiro="on", documento=gerar_cpf(5))
    assert not form.is_valid()
    assert "Estrangeiro não tem CPF" in form.errors["documento"][0]


def test_cnae_so_para_pj_e_aceita_mascara(pessoas, base):
    form = _form(pessoas, base, documento=gerar_cpf(6), cnae="4711-3/02")
    assert not form.is_valid()
    assert form.errors["cnae"] == ["CNAE só se aplica a pessoa jurídica."]
    form = _form(pessoas, base, documento=gerar_cnpj(6), cnae="4711-3/02")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cnae"] == "4711302"


def test_codigo_externo_exige_origem(pessoas, base):
    form = _form(pessoas, base, documento=gerar_cpf(7), codigo_externo="ERP-1")
    assert not form.is_valid()
    assert "origem" in form.errors
    origem = Origem.objects.create(codigo="ERP", descricao="ERP")
    form = _form(pessoas, base, documento=gerar_cpf(7), codigo_externo="ERP-1", origem=origem.pk)
    assert form.is_valid(), form.errors


def test_todos_os_erros_aparecem_de_uma_vez(pessoas, base):
    form = _form(pessoas, base, nome="", documento="123", limite_credito="x", cnae="1")
    assert not form.is_valid()
    assert {"nome", "documento", "limite_credito"} <= set(form.errors)
    assert form.errors["nome"] == ["Este campo é obrigatório."]
    assert [c.name for c in form.campos_com_erro()][:2] == ["documento", "nome"]


def test_carteira_so_as_visiveis_e_obrigatoria_para_rep(pessoas, base):
    form = _form(pessoas, base, documento=gerar_cpf(8), carteira=str(pessoas.b.pk))
    assert not form.is_valid()
    assert "Faça uma escolha válida" in form.errors["carteira"][0]
    form = _form(pessoas, base, documento=gerar_cpf(8), carteira="")
    assert form.errors["carteira"] == ["Este campo é obrigatório."]
    # the supervisor may leave a client without carteira
    form = _form(pessoas, base, quem="supervisor", documento=gerar_cpf(8), carteira="")
    assert form.is_valid(), form.errors


def test_edicao_preserva_carteira_atual_mesmo_que_o_usuario_nao_a_possua(pessoas, base):
    cliente = ClienteFactory(carteira=pessoas.a)
    form = _form(
        pessoas, base, quem="sac", cliente=cliente, documento=cliente.documento, versao="1"
    )
    assert form.is_valid(), form.errors
    assert list(form.fields["carteira"].queryset) == [pessoas.a]


def test_representante_oferecido_e_so_quem_tem_carteira_visivel(pessoas, base):
    form = ClienteForm(user=pessoas.usuarios["dono"])
    assert list(form.fields["representante"].queryset) == [pessoas.usuarios["dono"]]
    form = ClienteForm(user=pessoas.usuarios["admin"])
    assert set(form.fields["representante"].queryset) == {
        pessoas.usuarios["dono"],
        pessoas.usuarios["colega"],
    }


def test_registro_auxiliar_inativo_nao_e_oferecido_salvo_o_atual(pessoas, base):
    inativo = StatusCliente.objects.create(codigo="OLD", descricao="Antigo", ativo=False)
    assert inativo not in ClienteForm(user=pessoas.usuarios["dono"]).fields["status"].queryset
    cliente = ClienteFactory(carteira=pessoas.a, status=inativo)
    form = ClienteForm(user=pessoas.usuarios["dono"], cliente=cliente)
    assert inativo in form.fields["status"].queryset


def test_formulario_de_edicao_vem_formatado_e_com_versao(pessoas):
    cliente = ClienteFactory(
        carteira=pessoas.a, juridica=True, cnae="4711302", limite_credito=Decimal("1500")
    )
    form = ClienteForm(user=pessoas.usuarios["dono"], cliente=cliente)
    assert form["documento"].value() == cliente.documento_formatado
    assert form["cnae"].value() == "4711-3/02"
    assert form["versao"].value() == 1
    assert 'value="1.500,00"' in str(form["limite_credito"])
    assert "versao" not in ClienteForm(user=pessoas.usuarios["dono"]).fields


def test_campos_nao_oferecidos_sao_ignorados(pessoas, base):
    form = _form(pessoas, base, documento=gerar_cpf(9), versao="7", criado_em="2000-01-01")
    assert form.is_valid(), form.errors
    assert "versao" not in form.dados_servico()
    assert "criado_em" not in form.dados_servico()


# --- address ---------------------------------------------------------------------------


def _endereco(**dados):
    base = {"tipo": "comercial", "logradouro": "Av. Paulista", "uf": "SP", "municipio": "3550308"}
    base.update(dados)
    return EnderecoForm(base)


@pytest.mark.parametrize("cep", ["01310-100", "01310100", "01.310-100", "1310100"])
def test_cep_com_ou_sem_mascara(cep):
    form = _endereco(cep=cep)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cep"] == "01310100"


def test_cep_invalido_e_municipio_fora_da_uf():
    form = _endereco(cep="0131", uf="RJ")
    assert not form.is_valid()
    assert "deve ter 8 dígitos" in form.errors["cep"][0]
    assert "não pertence à UF RJ" in form.errors["municipio"][0]
    assert form["cep"].value() == "0131"


def test_municipios_oferecidos_sao_os_da_uf():
    form = _endereco(uf="AC")
    nomes = [rotulo for _, rotulo in form.fields["municipio"].choices]
    assert "Rio Branco" in nomes
    assert "São Paulo" not in nomes
    sem_uf = EnderecoForm()
    assert list(sem_uf.fields["municipio"].choices) == [("", "Escolha a UF primeiro")]


def test_municipio_inexistente():
    form = _endereco(municipio="1")
    assert form.errors["municipio"] == ["Escolha um município da lista."]


# --- phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digitado",
    ["(11) 98765-4321", "11987654321", "+55 11 98765-4321", "011 98765-4321", "11 9 8765 4321"],
)
def test_celular_com_ou_sem_mascara_separa_ddd(digitado):
    form = TelefoneForm({"tipo": "celular", "fone": digitado})
    assert form.is_valid(), form.errors
    assert form.dados_servico()["ddd"] == "11"
    assert form.dados_servico()["numero"] == "987654321"


def test_fixo_e_celular_com_quantidade_de_digitos_errada():
    assert TelefoneForm({"tipo": "fixo", "fone": "(11) 3456-7890"}).is_valid()
    form = TelefoneForm({"tipo": "celular", "fone": "(11) 3456-7890"})
    assert "Celular tem 9 dígitos" in form.errors["fone"][0]
    form = TelefoneForm({"tipo": "fixo", "fone": "(11) 98765-4321"})
    assert "fixo tem 8 dígitos" in form.errors["fone"][0]
    form = TelefoneForm({"tipo": "celular", "fone": "98765-4321"})
    assert "informe DDD + número" in form.errors["fone"][0]
    assert form["fone"].value() == "98765-4321"


# --- electronic contacts and contact persons -------------------------------------------


@pytest.mark.parametrize(
    ("tipo", "digitado", "guardado"),
    [
        ("email", " Fulano.Tal@Exemplo.COM.br ", "fulano.tal@exemplo.com.br"),
        ("site", "WWW.Exemplo.com.br/Loja", "https://www.exemplo.com.br/Loja"),
        ("site", "http://exemplo.com", "http://exemplo.com"),
        ("whatsapp", "(11) 98765-4321", "11987654321"),
    ],
)
def test_contato_eletronico_normalizado(tipo, digitado, guardado):
    form = ContatoEletronicoForm({"tipo": tipo, "valor": digitado})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["valor"] == guardado


@pytest.mark.parametrize(
    ("tipo", "digitado", "trecho"),
    [
        ("email", "fulano@", "e-mail válido"),
        ("site", "não é site", "site válido"),
        ("whatsapp", "1234", "DDD + número"),
    ],
)
def test_contato_eletronico_invalido(tipo, digitado, trecho):
    form = ContatoEletronicoForm({"tipo": tipo, "valor": digitado})
    assert not form.is_valid()
    assert trecho in form.errors["valor"][0]


def test_pessoa_de_contato_email_e_fone(db):
    tipo = TipoContato.objects.create(codigo="C", descricao="Comprador")
    form = PessoaContatoForm(
        {"nome": "Ana", "tipo": tipo.pk, "email": "ANA@X.COM", "telefone": "(11) 3456-7890"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "ana@x.com"
    assert form.cleaned_data["telefone"] == "1134567890"
    ruim = PessoaContatoForm({"nome": "Ana", "tipo": tipo.pk, "email": "ana@", "telefone": "12"})
    assert set(ruim.errors) == {"email", "telefone"}


def test_rep_com_uma_carteira_comeca_com_ela_e_como_responsavel(pessoas):
    form = ClienteForm(user=pessoas.usuarios["dono"])
    assert form["carteira"].value() == pessoas.a.pk
    assert form["representante"].value() == pessoas.usuarios["dono"].pk
    # the supervisor sees two carteiras: nothing is guessed
    from tests.factories import CarteiraFactory

    CarteiraFactory(representante=pessoas.usuarios["dono"])
    assert ClienteForm(user=pessoas.usuarios["supervisor"])["carteira"].value() is None


@pytest.mark.parametrize(
    ("indicador", "ie", "erro"),
    [
        ("1", "", "informe a inscrição estadual"),
        ("1", "110.042.490.114", None),
        ("2", "", None),
        ("2", "123456", "isento não tem inscrição"),
        ("9", "", None),
        ("9", "ISENTO", "Contribuinte isento"),
        ("9", "12#4", "até 14 números"),
    ],
)
def test_inscricao_estadual_conforme_o_indicador(pessoas, base, indicador, ie, erro):
    form = _form(
        pessoas, base, documento=gerar_cnpj(40), indicador_ie=indicador, inscricao_estadual=ie
    )
    if erro is None:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["inscricao_estadual"] == ie.replace(".", "")
    else:
        assert not form.is_valid()
        assert erro in form.errors["inscricao_estadual"][0]


def test_todo_campo_visivel_do_formulario_esta_numa_secao(pessoas):
    # a field left out of SECOES would never be rendered, and a required one would block saving
    form = ClienteForm(user=pessoas.usuarios["dono"], cliente=ClienteFactory(carteira=pessoas.a))
    nas_secoes = [campo.name for _, campos in form.secoes() for campo in campos]
    visiveis = [campo.name for campo in form.visible_fields()]
    assert sorted(nas_secoes) == sorted(visiveis)
    assert len(nas_secoes) == len(set(nas_secoes))


def test_cnae_nao_acusa_tipo_de_pessoa_enquanto_o_documento_esta_errado(pessoas, base):
    form = _form(pessoas, base, documento="123", cnae="4711302")
    assert "documento" in form.errors
    assert "cnae" not in form.errors
