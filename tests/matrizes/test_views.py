"""Telas das matrizes: caminho feliz do supervisor/administrador, 403 para representante e
SAC (nada muda), lista com filtros/consultas/Excel, formulário com erros, versões, histórico."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from matrizes.models import EventoRegra, Regra
from tests.matrizes.conftest import Catalogo, criar_regra

D = Decimal
pytestmark = pytest.mark.django_db

ICMS_POST = {
    "matriz": "ICMS",
    "uf_origem": "SP",
    "uf_destino": "RJ",
    "aliquota": "12",
    "fcp": "2",
    "aliquota_interna_destino": "20",
    "metodo_difal": "base_dupla",
    "vigencia_inicio": "",  # preenchido com hoje em cada teste
}


def _hoje() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def _login(client: Any, pessoas: Any, quem: str) -> Any:
    usuario = pessoas.usuarios[quem]
    client.force_login(usuario)
    return usuario


# --- permissões ----------------------------------------------------------------------------


@pytest.mark.parametrize("quem", ["dono", "sac"])
def test_representante_e_sac_nao_veem_nem_mudam_matrizes(
    client: Any, pessoas: Any, catalogo: Catalogo, quem: str
) -> None:
    # given an existing rule and a rep / SAC agent logged in
    regra = criar_regra("IPI", aliquota=D("5"))
    _login(client, pessoas, quem)
    antes = list(Regra.objects.values_list("pk", "aliquota", "vigencia_fim"))
    # when they open every screen and post to every action
    gets = [
        reverse("matrizes:regra-lista"),
        reverse("matrizes:regra-exportar"),
        reverse("matrizes:regra-criar") + "?matriz=IPI",
        reverse("matrizes:regra-detalhe", args=[regra.pk]),
        reverse("matrizes:regra-editar", args=[regra.pk]),
        reverse("matrizes:regra-copiar", args=[regra.pk]),
        reverse("matrizes:regra-expirar", args=[regra.pk]),
        reverse("matrizes:regra-testar"),
        reverse("importacoes:importacao-criar") + "?tipo=regras",
        reverse("importacoes:importacao-modelo", args=["regras"]),
        reverse("matrizes:produto-opcoes") + "?q=PAR",
        reverse("matrizes:cliente-opcoes") + "?q=abc",
    ]
    posts = [
        (reverse("matrizes:regra-criar"), {**ICMS_POST, "vigencia_inicio": _hoje()}),
        (reverse("matrizes:regra-editar", args=[regra.pk]), {"aliquota": "9"}),
        (reverse("matrizes:regra-copiar", args=[regra.pk]), {"aliquota": "9"}),
        (reverse("matrizes:regra-expirar", args=[regra.pk]), {"ate": _hoje()}),
        (reverse("importacoes:importacao-criar") + "?tipo=regras", {}),
    ]
    # then every one answers 403 and nothing changes
    assert [client.get(url).status_code for url in gets] == [403] * len(gets)
    assert [client.post(url, dados).status_code for url, dados in posts] == [403] * len(posts)
    assert list(Regra.objects.values_list("pk", "aliquota", "vigencia_fim")) == antes
    assert not EventoRegra.objects.exists()


def test_anonimo_vai_para_o_login(client: Any, db: Any) -> None:
    resposta = client.get(reverse("matrizes:regra-lista"))
    assert resposta.status_code == 302
    assert reverse("contas:login") in resposta["Location"]


@pytest.mark.parametrize("quem", ["supervisor", "admin"])
def test_supervisor_e_administrador_criam_regra(
    client: Any, pessoas: Any, catalogo: Catalogo, quem: str
) -> None:
    usuario = _login(client, pessoas, quem)
    resposta = client.post(
        reverse("matrizes:regra-criar"), {**ICMS_POST, "vigencia_inicio": _hoje()}
    )
    regra = Regra.objects.get()
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse("matrizes:regra-detalhe", args=[regra.pk])
    assert (regra.uf_destino, regra.aliquota, regra.fcp, regra.criado_por) == (
        "RJ",
        D("12"),
        D("2"),
        usuario,
    )
    assert regra.vigencia_inicio == timezone.localdate()


# --- criar: escolha, erros -------------------------------------------------------------------


def test_criar_sem_matriz_mostra_a_escolha(client: Any, pessoas: Any) -> None:
    _login(client, pessoas, "supervisor")
    resposta = client.get(reverse("matrizes:regra-criar"))
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert "Matriz substituição tributária" in conteudo
    assert "?matriz=ALCADA" in conteudo


def test_formulario_mostra_so_os_campos_da_matriz(client: Any, pessoas: Any) -> None:
    _login(client, pessoas, "supervisor")
    conteudo = client.get(reverse("matrizes:regra-criar") + "?matriz=ALCADA").content.decode()
    assert 'name="papel_aprovador"' in conteudo
    assert 'name="percentual_ate"' in conteudo
    assert 'name="aliquota"' not in conteudo
    assert 'name="ncm"' not in conteudo


def test_formulario_recusado_mantem_o_digitado_e_aponta_os_erros(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    # given a supervisor filling an ICMS rule without FCP, with a bad NCM and a past date
    _login(client, pessoas, "supervisor")
    dados = {
        **ICMS_POST,
        "fcp": "",
        "ncm": "7318.15",
        "aliquota": "12,5",
        "vigencia_inicio": "01/01/2020",
    }
    resposta = client.post(reverse("matrizes:regra-criar"), dados)
    # then nothing is saved, each field says what is wrong and what was typed stays
    assert resposta.status_code == 200
    assert not Regra.objects.exists()
    form = resposta.context["form"]
    assert "fcp" in form.errors
    assert "ncm" in form.errors
    conteudo = resposta.content.decode()
    assert 'value="12,5"' in conteudo
    assert 'value="7318.15"' in conteudo


def test_data_no_passado_e_recusada_pelo_servico(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    _login(client, pessoas, "supervisor")
    resposta = client.post(
        reverse("matrizes:regra-criar"), {**ICMS_POST, "vigencia_inicio": "01/01/2020"}
    )
    assert resposta.status_code == 200
    assert "passado" in resposta.context["form"].errors["vigencia_inicio"][0]
    assert not Regra.objects.exists()


def test_regra_com_produto_e_cliente_pelo_autocompletar(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    from tests.factories import ClienteFactory

    _login(client, pessoas, "supervisor")
    cliente = ClienteFactory(carteira=pessoas.a, nome="Ferragens Aurora")
    dados = {
        "matriz": "DESCONTO_ACRESCIMO",
        "produto": "par-001",
        "cliente": f"Ferragens Aurora — x [#{cliente.pk}]",
        "percentual": "-2,5",
        "vigencia_inicio": _hoje(),
    }
    resposta = client.post(reverse("matrizes:regra-criar"), dados)
    assert resposta.status_code == 302, resposta.context["form"].errors
    regra = Regra.objects.get()
    assert (regra.produto, regra.cliente, regra.percentual) == (
        catalogo.parafuso,
        cliente,
        D("-2.5"),
    )


def test_cliente_fora_da_visibilidade_nao_e_encontrado(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    from tests.factories import ClienteFactory

    # given a client in the other team's carteira (the supervisor does not see it)
    _login(client, pessoas, "supervisor")
    alheio = ClienteFactory(carteira=pessoas.b, nome="Cliente Alheio")
    resposta = client.post(
        reverse("matrizes:regra-criar"),
        {
            "matriz": "DESCONTO_ACRESCIMO",
            "cliente": f"Cliente Alheio [#{alheio.pk}]",
            "percentual": "1",
            "vigencia_inicio": _hoje(),
        },
    )
    assert resposta.status_code == 200
    assert "cliente" in resposta.context["form"].errors
    opcoes = client.get(reverse("matrizes:cliente-opcoes") + "?cliente=Alheio").content
    assert b"Alheio" not in opcoes


def test_opcoes_de_produto(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    _login(client, pessoas, "supervisor")
    conteudo = client.get(reverse("matrizes:produto-opcoes") + "?produto=lampada").content
    assert b'value="LAMP-LED"' in conteudo
    conteudo = client.get(reverse("matrizes:produto-opcoes") + "?produto=PAR").content
    assert b'value="PAR-001"' in conteudo


# --- editar, copiar, expirar ---------------------------------------------------------------


def test_editar_regra_em_uso_cria_nova_versao(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    # given a rule in force since 2024
    regra = criar_regra("IPI", ncm="85395000", aliquota=D("5"))
    _login(client, pessoas, "supervisor")
    url = reverse("matrizes:regra-editar", args=[regra.pk])
    formulario = client.get(url)
    assert "Nova versão vigente a partir de" in formulario.content.decode()
    # when the supervisor changes the rate
    resposta = client.post(url, {"ncm": "85395000", "aliquota": "6", "vigencia_inicio": _hoje()})
    # then a version 2 exists from today and the old one ends yesterday
    nova = Regra.objects.get(versao=2)
    assert resposta["Location"] == reverse("matrizes:regra-detalhe", args=[nova.pk])
    regra.refresh_from_db()
    assert regra.aliquota == D("5")
    assert regra.vigencia_fim == timezone.localdate() - dt.timedelta(days=1)
    assert nova.aliquota == D("6")
    # and the old version can no longer be edited
    assert client.get(url).status_code == 302


def test_copiar_preenche_o_formulario_e_cria_outra_regra(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    origem = criar_regra("IPI", produto=catalogo.parafuso, aliquota=D("5"))
    _login(client, pessoas, "supervisor")
    url = reverse("matrizes:regra-copiar", args=[origem.pk])
    conteudo = client.get(url).content.decode()
    assert 'value="PAR-001"' in conteudo
    resposta = client.post(
        url, {"produto": "LAMP-LED", "aliquota": "5", "vigencia_inicio": _hoje()}
    )
    assert resposta.status_code == 302
    copia = Regra.objects.exclude(pk=origem.pk).get()
    assert copia.produto == catalogo.lampada
    assert EventoRegra.objects.get(regra=copia).dados == {"copiada_de": origem.pk}


def test_expirar(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    regra = criar_regra("IPI", aliquota=D("5"))
    _login(client, pessoas, "supervisor")
    url = reverse("matrizes:regra-expirar", args=[regra.pk])
    recusado = client.post(url, {"ate": "01/01/2024"})
    assert recusado.status_code == 200
    assert "ate" in recusado.context["form"].errors
    resposta = client.post(url, {"ate": _hoje()})
    assert resposta.status_code == 302
    regra.refresh_from_db()
    assert regra.vigencia_fim == timezone.localdate()


# --- detalhe, versões, histórico -----------------------------------------------------------


def test_detalhe_com_versoes_e_historico(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    # given a rule created on screen and then edited twice (same day: in place)
    usuario = _login(client, pessoas, "supervisor")
    client.post(reverse("matrizes:regra-criar"), {**ICMS_POST, "vigencia_inicio": _hoje()})
    regra = Regra.objects.get()
    client.post(
        reverse("matrizes:regra-editar", args=[regra.pk]),
        {**ICMS_POST, "aliquota": "7", "vigencia_inicio": _hoje()},
    )
    url = reverse("matrizes:regra-detalhe", args=[regra.pk])
    # when the tabs are opened
    dados = client.get(url)
    versoes = client.get(url + "?aba=versoes")
    historico = client.get(url + "?aba=historico", HTTP_HX_REQUEST="true")
    # then the data, the version chain and the audit trail with who changed what are shown
    assert dados.status_code == versoes.status_code == historico.status_code == 200
    assert "UF de destino" in dados.content.decode()
    assert f"#{regra.pk}" in versoes.content.decode()
    texto = historico.content.decode()
    assert "<html" not in texto  # htmx gets only the tab partial
    assert "Alteração" in texto
    assert usuario.get_full_name() in texto
    assert "<del>12 %</del> → <ins>7 %</ins>" in texto
    assert "<ins>RJ</ins>" in texto  # creation lists the initial values
    assert "HX-Request" in historico["Vary"]


def test_detalhe_de_regra_inexistente_e_404(client: Any, pessoas: Any) -> None:
    _login(client, pessoas, "supervisor")
    assert client.get(reverse("matrizes:regra-detalhe", args=[999999])).status_code == 404


# --- lista -----------------------------------------------------------------------------------


def test_lista_filtra_por_matriz_e_situacao(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    criar_regra("IPI", ncm="85395000", aliquota=D("5"))
    criar_regra("IPI", ncm="73181500", aliquota=D("5"), vigencia_fim=dt.date(2024, 6, 30))
    criar_regra("ICMS", uf_destino="RJ", aliquota=D("12"), fcp=D("0"))
    _login(client, pessoas, "supervisor")
    lista = reverse("matrizes:regra-lista")
    assert client.get(lista).context["pagina"].total == 3
    assert client.get(lista + "?matriz=IPI").context["pagina"].total == 2
    assert client.get(lista + "?matriz=IPI&situacao=vigente").context["pagina"].total == 1
    assert client.get(lista + "?situacao=expirada").context["pagina"].total == 1
    assert client.get(lista + "?vigente_em=01/03/2024&ncm=7318").context["pagina"].total == 1
    assert client.get(lista + "?uf_destino=RJ").context["pagina"].total == 1


def test_lista_ordena_por_especificidade(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    criar_regra("IPI", aliquota=D("0"))
    criar_regra("IPI", ncm="85395000", produto=catalogo.lampada, aliquota=D("5"))
    criar_regra("IPI", ncm="73181500", aliquota=D("5"))
    _login(client, pessoas, "supervisor")
    resposta = client.get(reverse("matrizes:regra-lista") + "?ordenar=-especificidade")
    assert [r.especificidade for r in resposta.context["pagina"].objetos] == [2, 1, 0]


def test_lista_nao_cresce_em_consultas(
    client: Any, pessoas: Any, catalogo: Catalogo, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import ClienteFactory

    cliente = ClienteFactory(carteira=pessoas.a)
    for i in range(60):
        criar_regra(
            "DESCONTO_ACRESCIMO",
            produto=catalogo.parafuso if i % 2 else catalogo.lampada,
            linha=catalogo.ferragens,
            tipo_cliente=catalogo.revenda,
            cliente=cliente,
            representante=pessoas.usuarios["dono"],
            empresa=catalogo.empresa,
            condicao_pagamento=f"C{i}",
            percentual=D("1"),
        )
    _login(client, pessoas, "supervisor")
    with django_assert_max_num_queries(12):
        resposta = client.get(reverse("matrizes:regra-lista") + "?por_pagina=50")
    assert resposta.status_code == 200
    assert len(resposta.context["pagina"].objetos) == 50


def test_exportar_excel_com_os_filtros_da_tela(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    criar_regra("IPI", ncm="08539500", produto=catalogo.lampada, aliquota=D("5.5"))
    criar_regra("ICMS", uf_destino="RJ", aliquota=D("12"), fcp=D("2"))
    _login(client, pessoas, "supervisor")
    resposta = client.get(reverse("matrizes:regra-exportar") + "?matriz=IPI")
    assert resposta.status_code == 200
    livro = load_workbook(io.BytesIO(b"".join(resposta.streaming_content)))
    linhas = list(livro.active.iter_rows(values_only=True))
    cabecalho = linhas[0]
    assert cabecalho[:3] == ("ID", "Matriz", "Empresa (CNPJ)")
    assert len(linhas) == 2
    valores = dict(zip(cabecalho, linhas[1], strict=True))
    assert valores["Matriz"] == "IPI"
    assert valores["NCM"] == "08539500"  # texto: o zero à esquerda não some
    assert valores["Produto (código)"] == "LAMP-LED"
    assert valores["Alíquota (%)"] == 5.5
    assert valores["Vigente de"] == dt.datetime(2024, 1, 1)


def test_editar_so_o_fim_de_regra_em_uso_pela_tela_nao_cria_versao(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    # given a rule in force since 2024 and its edit form (start date prefilled with today)
    regra = criar_regra("IPI", ncm="85395000", aliquota=D("5"))
    _login(client, pessoas, "supervisor")
    fim = timezone.localdate() + dt.timedelta(days=90)
    # when only the end date is set
    resposta = client.post(
        reverse("matrizes:regra-editar", args=[regra.pk]),
        {
            "ncm": "85395000",
            "aliquota": "5",
            "vigencia_inicio": _hoje(),
            "vigencia_fim": fim.strftime("%d/%m/%Y"),
        },
    )
    # then the same rule gets the end date, no new version
    assert resposta["Location"] == reverse("matrizes:regra-detalhe", args=[regra.pk])
    regra.refresh_from_db()
    assert regra.vigencia_fim == fim
    assert Regra.objects.count() == 1


def test_erro_de_campo_obrigatorio_aparece_uma_vez(client: Any, pessoas: Any) -> None:
    _login(client, pessoas, "supervisor")
    resposta = client.post(
        reverse("matrizes:regra-criar"), {**ICMS_POST, "fcp": "", "vigencia_inicio": _hoje()}
    )
    assert resposta.context["form"].errors["fcp"] == ["Este campo é obrigatório."]


def test_abas_de_regra_criada_pelo_sistema(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    # given a rule loaded by the system (demo/migration: no author) and a new version of it
    from matrizes.services import regra_editar

    regra = criar_regra("IPI", aliquota=D("5"))
    regra_editar(regra=regra, dados={"aliquota": D("6")}, ator=None)
    _login(client, pessoas, "admin")
    url = reverse("matrizes:regra-detalhe", args=[regra.pk])
    # then every tab renders and names "Sistema" as the author
    for aba in ("dados", "versoes", "historico"):
        resposta = client.get(url + f"?aba={aba}")
        assert resposta.status_code == 200, aba
        assert "Sistema" in resposta.content.decode()


def test_lista_filtra_por_representante_e_condicao(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    dono = pessoas.usuarios["dono"]
    criar_regra("COMISSAO", representante=dono, percentual=D("4"))
    criar_regra("COMISSAO", condicao_pagamento="28DD", percentual=D("2"))
    criar_regra("COMISSAO", percentual=D("3"))
    _login(client, pessoas, "supervisor")
    lista = reverse("matrizes:regra-lista")
    assert client.get(lista + f"?representante={dono.pk}").context["pagina"].total == 1
    assert client.get(lista + "?condicao_pagamento=28dd").context["pagina"].total == 1
    assert client.get(lista + "?geral=true").context["pagina"].total == 1
