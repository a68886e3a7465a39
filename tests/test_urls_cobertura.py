"""Walk every URL pattern that takes an object id and prove nobody reaches what they can't see.

Each such URL must be listed in CASOS with a builder that creates an object in the portfolio of
"dono" (a rep). The colleague (another rep, another team) must get 404 on GET and on POST, and
nothing may change in the database. A new URL with an id that is not listed here fails
`test_toda_url_com_id_esta_coberta`, so visibility cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal as D
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import ClienteFactory, EmailFactory, TelefoneFactory
from tests.vendas.conftest import cenario  # noqa: F401  (fixture used by the order cases)

pytestmark = pytest.mark.django_db


@dataclass
class Caso:
    """How to build the object behind a URL; `escopo` says who must be refused and how.

    - "carteira": the dono sees it; the colega gets 404 (the object is hidden, not forbidden).
    - "papel": a screen for other roles; a rep gets 403 whatever the object.
    - "leitura": shared reference data (e.g. matrix rules): every role may read it (GET 200),
      but a rep's POST is refused with 403.
    """

    montar: Callable[[Any], dict[str, Any]]
    escopo: str = "carteira"
    post: dict[str, Any] = field(default_factory=dict)


def _cliente(p: Any):
    return ClienteFactory(carteira=p.a)


def _com_filho(fabrica: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    def montar(p: Any) -> dict[str, Any]:
        filho = fabrica(_cliente(p))
        return {"pk": filho.cliente_id, "item": filho.pk}

    return montar


def _endereco(cliente):
    return cliente.enderecos.create(tipo="principal", logradouro="Rua A", uf="SP", cep="01310100")


def _importacao(p: Any):
    from importacoes.models import Importacao

    return Importacao.objects.create(
        tipo="clientes", nome_arquivo="c.xlsx", arquivo="x.xlsx", criado_por=p.usuarios["admin"]
    )


def _pessoa_contato(cliente):
    from cadastro.models import TipoContato

    tipo, _ = TipoContato.objects.get_or_create(codigo="COMP", defaults={"descricao": "Comprador"})
    return cliente.pessoas_contato.create(nome="Fulana", tipo=tipo)


def _meta_indicador(p: Any) -> dict[str, Any]:
    import datetime as dt

    from cadastro.models import MetaIndicador

    meta = MetaIndicador.objects.create(
        empresa=p.usuarios["admin"].empresa, indicador="crescimento", valor_meta=10,
        periodo_inicio=dt.date(2026, 1, 1), periodo_fim=dt.date(2026, 12, 31),
    )  # fmt: skip
    return {"pk": meta.pk}


def _meta_venda(p: Any) -> dict[str, Any]:
    import datetime as dt

    from vendas.models import MetaVenda

    meta = MetaVenda.objects.create(
        empresa=p.usuarios["admin"].empresa, indicador="faturamento",
        representante=p.usuarios["dono"], valor_meta=10,
        periodo_inicio=dt.date(2026, 1, 1), periodo_fim=dt.date(2026, 1, 31),
    )  # fmt: skip
    return {"pk": meta.pk}


def _casos_produtos() -> dict[str, Caso]:
    """Products are shared reference data (every role reads them); maintenance is for
    supervisors (a rep gets 403). Client prices follow the client's visibility: tests/produtos."""

    def _produto(p: Any) -> dict[str, Any]:
        from tests.produtos.fabricas import ProdutoFactory

        return {"pk": ProdutoFactory().pk}

    def _similar(p: Any) -> dict[str, Any]:
        from produtos.models import ProdutoSimilar
        from tests.produtos.fabricas import ProdutoFactory

        item = ProdutoSimilar.objects.create(produto=ProdutoFactory(), similar=ProdutoFactory())
        return {"pk": item.produto_id, "secao": "similares", "item": item.pk}

    return {
        "produtos:produto-detalhe": Caso(_produto, escopo="leitura"),
        "produtos:produto-aba": Caso(lambda p: {**_produto(p), "aba": "precos"}, escopo="leitura"),
        "produtos:produto-editar": Caso(_produto, escopo="papel", post={"descricao": "X"}),
        "produtos:secao-incluir": Caso(
            lambda p: {**_produto(p), "secao": "fiscal"},
            escopo="papel",
            post={"fiscal-ncm": "11111111", "fiscal-origem": "0"},
        ),
        "produtos:secao-remover": Caso(_similar, escopo="papel"),
    }


def _regra(p: Any) -> dict[str, Any]:
    from tests.vendas.conftest import regra

    return {"pk": regra("COMISSAO", percentual=D("3")).pk}


def _casos_matrizes() -> dict[str, Caso]:
    # Matrices are maintained by supervisors/admins only: a rep gets 403 on every screen.
    return {
        f"matrizes:regra-{tela}": Caso(_regra, escopo="papel", post={"percentual": "9"})
        for tela in ("detalhe", "editar", "copiar", "expirar")
    }


def _pedido(p: Any, itens: bool = True) -> Any:
    from tests.vendas.conftest import criar_pedido

    cena = p.fixture("cenario")
    return criar_pedido(cena, [(cena.lampada, "1")] if itens else [])


def _com_item(p: Any) -> dict[str, Any]:
    pedido = _pedido(p)
    return {"pk": pedido.pk, "item": pedido.itens.first().pk}


def _solicitacao(p: Any) -> dict[str, Any]:
    from vendas.models import SolicitacaoAprovacao

    pedido = _pedido(p)
    solicitacao = SolicitacaoAprovacao.objects.create(
        pedido=pedido, versao=pedido.versao, solicitante=p.usuarios["dono"], nivel=2,
        papel_aprovador="Supervisor",
    )  # fmt: skip
    return {"pk": solicitacao.pk}


def _casos_vendas() -> dict[str, Caso]:
    def do_pedido(p: Any) -> dict[str, Any]:
        return {"pk": _pedido(p).pk}

    casos = {
        f"vendas:{nome}": Caso(do_pedido, post=post)
        for nome, post in (
            ("pedido-detalhe", {}),
            ("produto-buscar", {"q": "LAMP"}),
            ("item-adicionar", {"produto": "1", "quantidade": "1"}),
            ("cabecalho-alterar", {"desconto_percentual": "50"}),
            ("pedido-enviar", {"justificativa": "x"}),
            ("pedido-retirar", {}),
            ("pedido-cancelar", {"motivo": "x"}),
        )
    }
    casos["vendas:item-alterar"] = Caso(_com_item, post={"quantidade": "99"})
    casos["vendas:item-cancelar"] = Caso(_com_item, post={"motivo": "1"})
    # the approval queue is the supervisors': a rep is refused before any lookup
    casos["vendas:aprovacao-decidir"] = Caso(
        _solicitacao, escopo="papel", post={"decisao": "aprovar", "versao": "1"}
    )
    # printable documents and e-mail (vendas2): the PDF only for who sees the order
    casos["vendas:documento-gerar"] = Caso(do_pedido, post={"tipo": "proposta"})
    casos["vendas:documento-progresso"] = Caso(_documento)
    casos["vendas:documento-baixar"] = Caso(_documento)
    casos["vendas:pedido-email"] = Caso(do_pedido)
    casos["vendas:pedido-copiar"] = Caso(do_pedido)
    casos["vendas:pedido-historico"] = Caso(do_pedido)
    casos["vendas:copia-conferir"] = Caso(do_pedido, post={"versao": "1"})
    # the recalculation job is the supervisors' (shared data): a rep gets 403
    casos["vendas:recalculo-detalhe"] = Caso(_recalculo, escopo="papel")
    # date scheduling, lots, attachments (the file itself too), quote conversion (pedido)
    casos["vendas:programacao-painel"] = Caso(do_pedido)
    casos["vendas:programacao-item"] = Caso(
        _com_item,
        post={"versao": "2", "partes-TOTAL_FORMS": "1", "partes-INITIAL_FORMS": "0",
              "partes-0-data": "2099-01-01", "partes-0-quantidade": "1"},
    )  # fmt: skip
    casos["vendas:item-lotes"] = Caso(_com_item)
    casos["vendas:anexo-incluir"] = Caso(do_pedido, post={"descricao": "x"})
    casos["vendas:anexo-baixar"] = Caso(_anexo)
    casos["vendas:anexo-remover"] = Caso(_anexo)
    casos["vendas:orcamento-converter"] = Caso(_orcamento, post={"versao": "1"})
    # the order screen's catalogue (catalogo): search, panels, favourites, batch inclusion
    casos["vendas:catalogo-buscar"] = Caso(do_pedido)
    casos["vendas:catalogo-sugestoes"] = Caso(do_pedido)
    casos["vendas:catalogo-painel"] = Caso(lambda p: {**do_pedido(p), "painel": "promocoes"})
    casos["vendas:catalogo-item-info"] = Caso(_com_item)
    casos["vendas:favorito-alternar"] = Caso(
        lambda p: {**do_pedido(p), "produto": p.fixture("cenario").lampada.pk}
    )
    casos["vendas:itens-lote"] = Caso(
        do_pedido, post={"versao": "2", "produto": "1", "quantidade": "1"}
    )
    casos["vendas:itens-colar"] = Caso(do_pedido, post={"versao": "2", "texto": "LAMP-LED;1"})
    return casos


def _anexo(p: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from vendas.models import AnexoPedido

    pedido = _pedido(p)
    anexo = AnexoPedido(
        pedido=pedido, nome_original="oc.pdf", tamanho=14, tipo_conteudo="application/pdf",
        enviado_por=p.usuarios["dono"],
    )  # fmt: skip
    anexo.arquivo.save("oc.pdf", ContentFile(b"%PDF-1.7 teste"), save=True)
    return {"pk": pedido.pk, "anexo": anexo.pk}


def _orcamento(p: Any) -> dict[str, Any]:
    from tests.vendas.conftest import criar_pedido
    from vendas.constants import TipoDocumento
    from vendas.models import Pedido

    cena = p.fixture("cenario")
    orcamento = criar_pedido(cena, [(cena.lampada, "1")])
    Pedido.objects.filter(pk=orcamento.pk).update(tipo=TipoDocumento.ORCAMENTO)
    return {"pk": orcamento.pk}


def _recalculo(p: Any) -> dict[str, Any]:
    from vendas.models import RecalculoPedidos

    return {"pk": RecalculoPedidos.objects.create(motivo="Matriz IPI alterada").pk}


def _documento(p: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from vendas.models import DocumentoGerado, StatusJob

    pedido = _pedido(p)
    documento = DocumentoGerado(
        pedido=pedido, tipo="proposta", versao_pedido=pedido.versao,
        criado_por=p.usuarios["dono"], status=StatusJob.PRONTO, progresso=100,
    )  # fmt: skip
    documento.arquivo.save("teste-urls.pdf", ContentFile(b"%PDF-1.7 teste"), save=True)
    return {"pk": pedido.pk, "documento": documento.pk}


def _contrato(p: Any) -> Any:
    """A contract of the dono's client with one item, a scheduling, a delivery client (another
    client of carteira A) and a contact, through the services."""
    import datetime as dt

    from vendas.services.contratos import (
        contato_contrato_incluir,
        contrato_criar,
        entrega_contrato_incluir,
        item_contrato_adicionar,
        programacao_contrato_incluir,
    )

    cena = p.fixture("cenario")
    dono = p.usuarios["dono"]
    hoje = dt.date.today()
    contrato = contrato_criar(
        cliente_id=cena.cliente.pk, ator=dono,
        dados={"descricao": "Contrato", "vigencia_inicio": hoje,
               "vigencia_fim": hoje + dt.timedelta(days=30)},
    )  # fmt: skip
    item = item_contrato_adicionar(
        contrato_id=contrato.pk, versao=1, produto=cena.lampada, quantidade=D("10"),
        preco_unitario=D("18"), ator=dono,
    )  # fmt: skip
    programacao_contrato_incluir(
        contrato_id=contrato.pk, versao=2, item_id=item.pk, data=hoje, quantidade=D("1"),
        ator=dono,
    )  # fmt: skip
    entrega_contrato_incluir(
        contrato_id=contrato.pk, versao=3, cliente_id=_cliente(p).pk, ator=dono
    )
    contato_contrato_incluir(contrato_id=contrato.pk, versao=4, dados={"nome": "Ana"}, ator=dono)
    contrato.refresh_from_db()
    return contrato


def _casos_contratos() -> dict[str, Caso]:
    def do_contrato(p: Any) -> dict[str, Any]:
        return {"pk": _contrato(p).pk}

    def filho(relacao: str) -> Callable[[Any], dict[str, Any]]:
        def montar(p: Any) -> dict[str, Any]:
            contrato = _contrato(p)
            if relacao == "programacoes":
                alvo = contrato.itens.get().programacoes.get()
            else:
                alvo = getattr(contrato, relacao).get()
            return {"pk": contrato.pk, "item": alvo.pk}

        return montar

    versao = {"versao": "5"}
    return {
        "vendas:contrato-detalhe": Caso(do_contrato),
        "vendas:contrato-editar": Caso(do_contrato, post={**versao, "descricao": "Invasor"}),
        "vendas:contrato-status": Caso(do_contrato, post={**versao, "status": "cancelado"}),
        "vendas:contrato-produto-buscar": Caso(do_contrato, post={"q": "LAMP"}),
        "vendas:contrato-item-adicionar": Caso(
            do_contrato, post={**versao, "produto": "1", "quantidade": "1", "preco_unitario": "1"}
        ),
        "vendas:contrato-item-alterar": Caso(filho("itens"), post={**versao, "quantidade": "99"}),
        "vendas:contrato-item-remover": Caso(filho("itens"), post=versao),
        "vendas:contrato-programacao-incluir": Caso(
            do_contrato, post={**versao, "item": "1", "data": "2030-01-01", "quantidade": "1"}
        ),
        "vendas:contrato-programacao-cancelar": Caso(filho("programacoes"), post=versao),
        "vendas:contrato-gerar-pedido": Caso(do_contrato, post={**versao, "programacoes": "1"}),
        "vendas:contrato-entrega-incluir": Caso(do_contrato, post={**versao, "cliente": "1"}),
        "vendas:contrato-entrega-remover": Caso(filho("entregas"), post=versao),
        "vendas:contrato-contato-incluir": Caso(do_contrato, post={**versao, "nome": "Intruso"}),
        "vendas:contrato-contato-alterar": Caso(filho("contatos"), post={**versao, "nome": "X"}),
        "vendas:contrato-contato-remover": Caso(filho("contatos"), post=versao),
    }


def _casos_oportunidades() -> dict[str, Caso]:
    """Opportunities follow their client's visibility (funnel helper)."""

    def oportunidade(p: Any) -> dict[str, Any]:
        from vendas.models import EtapaFunil
        from vendas.services.oportunidades import oportunidade_criar

        cena = p.fixture("cenario")
        etapa, _ = EtapaFunil.objects.get_or_create(
            codigo="PROSP", defaults={"descricao": "Prospecção", "ordem": 1}
        )
        op = oportunidade_criar(
            cliente_id=cena.cliente.pk, ator=p.usuarios["dono"], etapa_id=etapa.pk,
            dados={"titulo": "Oportunidade do dono"},
        )  # fmt: skip
        return {"pk": op.pk}

    return {
        "vendas:oportunidade-detalhe": Caso(oportunidade),
        "vendas:oportunidade-editar": Caso(
            oportunidade, post={"titulo": "Invasor", "valor_estimado": "1", "versao": "1"}
        ),
        "vendas:oportunidade-mover": Caso(oportunidade, post={"etapa": "1", "versao": "1"}),
        "vendas:oportunidade-reabrir": Caso(oportunidade, post={"etapa": "1", "versao": "1"}),
        "vendas:oportunidade-orcamento": Caso(oportunidade),
    }


def _casos_atendimento() -> dict[str, Caso]:
    """Tickets follow their client's visibility (atendimento helper). The colleague (a rep)
    may neither see nor act; acting needs the SAC/supervisor right, checked after visibility."""

    def chamado(p: Any) -> dict[str, Any]:
        from tests.factories import ChamadoFactory

        return {"pk": ChamadoFactory(cliente=_cliente(p), aberto_por=p.usuarios["sac"]).pk}

    def tarefa(p: Any) -> dict[str, Any]:
        import datetime as dt

        from atendimento.models import TarefaChamado

        dados = chamado(p)
        item = TarefaChamado.objects.create(
            chamado_id=dados["pk"], descricao="Ligar", responsavel=p.usuarios["sac"],
            data_prevista=dt.date.today(), criado_por=p.usuarios["sac"],
        )  # fmt: skip
        return {**dados, "tarefa": item.pk}

    versao = {"versao": "1"}
    return {
        "atendimento:chamado-detalhe": Caso(chamado),
        "atendimento:chamado-iniciar": Caso(chamado, post={**versao, "responsavel": "1"}),
        "atendimento:chamado-comentar": Caso(chamado, post={"texto": "Invasor"}),
        "atendimento:chamado-tarefa-adicionar": Caso(
            chamado, post={"descricao": "X", "responsavel": "1", "data_prevista": "2099-01-01"}
        ),
        "atendimento:chamado-tarefa-concluir": Caso(tarefa),
        "atendimento:chamado-encerrar": Caso(chamado, post={**versao, "solucao": "X"}),
        "atendimento:chamado-cancelar": Caso(chamado, post={**versao, "motivo": "X"}),
        "atendimento:chamado-reabrir": Caso(chamado, post=versao),
    }


CASOS: dict[str, Caso] = {
    "cadastro:cliente-detalhe": Caso(lambda p: {"pk": _cliente(p).pk}),
    "cadastro:cliente-editar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"nome": "Invasor", "versao": "1"}
    ),
    "cadastro:cliente-aba": Caso(lambda p: {"pk": _cliente(p).pk, "aba": "dados"}),
    "cadastro:cliente-titulos-exportar": Caso(lambda p: {"pk": _cliente(p).pk}),
    "cadastro:consentimento-registrar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"canal": "email", "concedido": "true"}
    ),
    "cadastro:endereco-criar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"logradouro": "Rua X", "uf": "SP"}
    ),
    "cadastro:endereco-editar": Caso(_com_filho(_endereco), post={"logradouro": "Rua X"}),
    "cadastro:endereco-excluir": Caso(_com_filho(_endereco)),
    "cadastro:telefone-criar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"numero": "11987654321", "tipo": "celular"}
    ),
    "cadastro:telefone-editar": Caso(
        _com_filho(lambda c: TelefoneFactory(cliente=c)), post={"numero": "11987654321"}
    ),
    "cadastro:telefone-excluir": Caso(_com_filho(lambda c: TelefoneFactory(cliente=c))),
    "cadastro:contato-eletronico-criar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"tipo": "email", "valor": "x@x.com"}
    ),
    "cadastro:contato-eletronico-editar": Caso(
        _com_filho(lambda c: EmailFactory(cliente=c)), post={"valor": "y@y.com"}
    ),
    "cadastro:contato-eletronico-excluir": Caso(_com_filho(lambda c: EmailFactory(cliente=c))),
    "cadastro:pessoa-contato-criar": Caso(
        lambda p: {"pk": _cliente(p).pk}, post={"nome": "Intruso"}
    ),
    "cadastro:pessoa-contato-editar": Caso(_com_filho(_pessoa_contato), post={"nome": "X"}),
    "cadastro:pessoa-contato-excluir": Caso(_com_filho(_pessoa_contato)),
    "cadastro:meta-salvar": Caso(_meta_indicador, escopo="papel", post={"valor_meta": "1"}),
    # sales targets are the supervisors' and administrators' (tests/vendas/test_metas.py: the
    # supervisor of another team gets 404): a rep is refused before any lookup
    "vendas:meta-editar": Caso(_meta_venda, escopo="papel", post={"valor_meta": "1"}),
    "vendas:meta-excluir": Caso(_meta_venda, escopo="papel"),
    **{
        f"importacoes:importacao-{tela}": Caso(lambda p: {"pk": _importacao(p).pk}, escopo="papel")
        for tela in ("detalhe", "progresso", "erros")
    },
    **_casos_produtos(),
    **_casos_matrizes(),
    **_casos_vendas(),
    **_casos_oportunidades(),
    **_casos_contratos(),
    **_casos_atendimento(),
}


def _rotas_com_id() -> list[tuple[str, str]]:
    def percorrer(padroes, prefixo: str = "", ns: str | None = None):
        for padrao in padroes:
            if isinstance(padrao, URLResolver):
                espaco = padrao.namespace or ns
                if espaco == "admin":  # Django admin: staff-only, its own permission system
                    continue
                yield from percorrer(padrao.url_patterns, prefixo + str(padrao.pattern), espaco)
            elif isinstance(padrao, URLPattern) and padrao.name:
                yield f"{ns}:{padrao.name}" if ns else padrao.name, prefixo + str(padrao.pattern)

    rotas = percorrer(get_resolver().url_patterns)
    return [(nome, rota) for nome, rota in rotas if "<int:" in rota]


ESTATICAS = {"cadastro.Municipio", "cadastro.FaixaCep", "cadastro.Cep"}


def _impressao_digital() -> dict[str, Any]:
    """Row counts and last-change stamps of every table of our apps: "nothing changed"."""
    digital: dict[str, Any] = {}
    for app in ("cadastro", "vendas", "produtos", "matrizes", "importacoes", "atendimento"):
        if not apps.is_installed(app):
            continue
        for modelo in apps.get_app_config(app).get_models():
            if modelo._meta.label in ESTATICAS:
                continue
            campos = {f.name for f in modelo._meta.concrete_fields}
            valores = sorted(map(repr, modelo._default_manager.values_list(*sorted(campos))[:500]))
            digital[modelo._meta.label] = valores
    return digital


def test_toda_url_com_id_esta_coberta():
    faltando = sorted(nome for nome, _ in _rotas_com_id() if nome not in CASOS)
    assert not faltando, (
        "URLs com id sem teste de visibilidade (adicione a tests/test_urls_cobertura.py): "
        + ", ".join(faltando)
    )


class Contexto:
    """What a builder receives: the `pessoas` attributes, plus `fixture(nome)` for app fixtures
    imported at the top of this module (e.g. the order scenario of tests/vendas)."""

    def __init__(self, pessoas: Any, request: pytest.FixtureRequest) -> None:
        self._pessoas = pessoas
        self._request = request

    def __getattr__(self, nome: str) -> Any:
        return getattr(self._pessoas, nome)

    def fixture(self, nome: str) -> Any:
        return self._request.getfixturevalue(nome)


@pytest.mark.parametrize("nome", sorted(CASOS))
def test_colega_nao_alcanca_nem_altera(nome, pessoas, client, request):
    # given an object in the dono's portfolio
    caso = CASOS[nome]
    url = reverse(nome, kwargs=caso.montar(Contexto(pessoas, request)))
    # when the dono opens it, it is there (never a 404 for the owner)
    client.force_login(pessoas.usuarios["dono"])
    assert client.get(url).status_code != 404
    # when a colleague of another team tries GET and POST
    client.force_login(pessoas.usuarios["colega"])
    antes = _impressao_digital()
    resposta_get = client.get(url)
    resposta_post = client.post(url, caso.post)
    # then it is hidden (404; 403 for screens of other roles) and nothing changed
    if caso.escopo == "leitura":
        assert resposta_get.status_code == 200
        assert resposta_post.status_code in {403, 405}
    else:
        esperado = {404} if caso.escopo == "carteira" else {403}
        assert resposta_get.status_code in esperado | {405}, resposta_get.status_code
        assert resposta_post.status_code in esperado | {405}, resposta_post.status_code
        assert {resposta_get.status_code, resposta_post.status_code} & esperado
    assert _impressao_digital() == antes
