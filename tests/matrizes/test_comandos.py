"""`calcular_pedido` (com e sem --matrizes) contra os exemplos de docs/, ao centavo, e as regras
de demonstração (`gerar_demo_matrizes`)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from matrizes.fetch import Pergunta, resolver
from matrizes.models import Regra

D = Decimal
DOCS = Path(__file__).parents[2] / "docs"


def _rodar(*args: str) -> Any:
    saida = io.StringIO()
    call_command("calcular_pedido", *args, stdout=saida)
    return json.loads(saida.getvalue())


def test_exemplo_do_motor_sai_igual_ao_documentado() -> None:
    # given the example input file and the expected output written in docs/engine.md
    texto = (DOCS / "engine.md").read_text(encoding="utf-8")
    entrada_doc, saida_doc = re.findall(r"```json\n(.*?)\n```", texto, flags=re.S)[:2]
    arquivo = DOCS / "exemplos" / "pedido.json"
    assert json.loads(arquivo.read_text(encoding="utf-8")) == json.loads(entrada_doc)
    # when the command computes it
    saida = _rodar(str(arquivo))
    # then the output is the documented one, to the cent
    assert saida == json.loads(saida_doc)


def test_comando_le_numeros_json_com_casas_sem_float(tmp_path: Path) -> None:
    entrada = {
        "empresa": {"uf": "SP"},
        "destinatario": {"uf": "SP", "contribuinte": True, "consumidor_final": False},
        "itens": [
            {
                "quantidade": 3,
                "preco_unitario": 33.335,
                "regra": {"ipi": 0, "icms": 18, "fcp": 0, "pis": 1.65, "cofins": 7.6},
            }
        ],
    }
    arquivo = tmp_path / "p.json"
    arquivo.write_text(json.dumps(entrada))
    saida = _rodar(str(arquivo))
    # 3 × 33,335 = 100,005 → 100,01 (half-up on the exact decimal, not on a float)
    assert saida["v_prod"] == "100.01"
    assert saida["itens"][0]["v_pis"] == "1.65"


@pytest.mark.parametrize(
    ("conteudo", "mensagem"),
    [
        ("{", "JSON inválido"),
        ('{"empresa": {"uf": "SP"}}', "destinatario"),
        ('{"empresa": {"uf": "SP"}, "xpto": 1}', "campos desconhecidos"),
    ],
)
def test_entrada_invalida_e_erro_do_comando(tmp_path: Path, conteudo: str, mensagem: str) -> None:
    arquivo = tmp_path / "p.json"
    arquivo.write_text(conteudo)
    with pytest.raises(CommandError, match=mensagem):
        _rodar(str(arquivo))


# --- com as matrizes -----------------------------------------------------------------------


@pytest.fixture
def base_demo(db: Any) -> None:
    """A empresa demo e os dois produtos do exemplo (códigos e NCMs do gerar_demo_produtos)."""
    from produtos.models import LinhaProduto, Produto, Unidade
    from tests.factories import EmpresaFactory

    EmpresaFactory(cnpj="45723174000110", uf="SP", regime_tributario="real")
    un = Unidade.objects.create(codigo="UN", descricao="Unidade")
    cx = Unidade.objects.create(codigo="CX", descricao="Caixa")
    eletrica = LinhaProduto.objects.create(codigo="ELÉTRICA", descricao="Elétrica")
    ferragens = LinhaProduto.objects.create(codigo="FERRAGENS", descricao="Ferragens")
    Produto.objects.create(
        codigo="P0000002",
        descricao="Lâmpada LED bulbo 30W",
        unidade=un,
        ncm="85395000",
        origem="2",
        linha=eletrica,
        peso_bruto=D("6.565"),
    )
    Produto.objects.create(
        codigo="P0000015",
        descricao="Parafuso sextavado zincado M12",
        unidade=cx,
        ncm="73181500",
        linha=ferragens,
        peso_bruto=D("1.079"),
    )
    call_command("gerar_demo_matrizes", stdout=io.StringIO())


def test_exemplo_com_matrizes_confere_com_as_contas_da_documentacao(base_demo: None) -> None:
    # when the documented example runs against the demo rules
    saida = _rodar(str(DOCS / "exemplos" / "pedido_matrizes.json"), "--matrizes")
    lampada, parafuso = saida["itens"]
    # then every value is the hand-worked one in docs/engine.md
    assert {k: lampada[k] for k in ("v_desc", "v_frete", "v_ipi", "aliq_icms", "v_icms")} == {
        "v_desc": "5.10",
        "v_frete": "10.20",
        "v_ipi": "12.76",
        "aliq_icms": "4",
        "v_icms": "10.20",
    }
    assert (lampada["mva_st"], lampada["bc_st"], lampada["v_st"]) == ("68.00", "450.00", "79.80")
    assert (lampada["v_pis"], lampada["v_cofins"], lampada["total"]) == ("4.21", "19.39", "347.66")
    assert (parafuso["v_ipi"], parafuso["aliq_icms"], parafuso["v_icms"]) == (
        "12.25",
        "12",
        "29.39",
    )
    assert (parafuso["v_st"], parafuso["total"]) == ("0.00", "257.15")
    assert {k: saida[k] for k in ("v_ipi", "v_icms", "v_st", "v_pis", "v_cofins", "v_nf")} == {
        "v_ipi": "25.01",
        "v_icms": "39.59",
        "v_st": "79.80",
        "v_pis": "8.25",
        "v_cofins": "38.00",
        "v_nf": "604.81",
    }
    assert saida["problemas"] == []


def test_com_matrizes_produto_inexistente_e_erro(base_demo: None, tmp_path: Path) -> None:
    arquivo = tmp_path / "p.json"
    arquivo.write_text(
        json.dumps(
            {
                "empresa": "45723174000110",
                "uf_destino": "SP",
                "contribuinte": True,
                "consumidor_final": False,
                "itens": [{"produto": "NAO-EXISTE", "quantidade": "1", "preco_unitario": "1"}],
            }
        )
    )
    with pytest.raises(CommandError, match=r"itens\[0\]\.produto"):
        _rodar(str(arquivo), "--matrizes")


def test_com_matrizes_sem_regra_vira_problema_no_json(base_demo: None, tmp_path: Path) -> None:
    # given an order dated before the demo rules start (01/01/2024)
    arquivo = tmp_path / "p.json"
    arquivo.write_text(
        json.dumps(
            {
                "data": "2023-12-31",
                "empresa": "45723174000110",
                "uf_destino": "SP",
                "contribuinte": True,
                "consumidor_final": False,
                "itens": [{"produto": "P0000015", "quantidade": "1", "preco_unitario": "10"}],
            }
        )
    )
    # when computed with the matrices
    saida = _rodar(str(arquivo), "--matrizes")
    # then each unanswered matrix is a problem in the JSON, and no tax is silently zero
    matrizes = {p["matriz"] for p in saida["problemas"] if p["codigo"] == "matriz"}
    assert matrizes == {
        "IPI",
        "ICMS",
        "PIS",
        "COFINS",
        "UNIDADE_PRODUTO",
        "COMISSAO",
        "VALOR_MINIMO",
    }
    assert saida["v_icms"] == "0.00"


# --- regras de demonstração ------------------------------------------------------------------


def test_demo_e_idempotente_e_sem_empates(base_demo: None) -> None:
    from cadastro.models import TipoCliente
    from matrizes.constants import REGIAO_DA_UF, TipoMatriz

    total = Regra.objects.count()
    assert total > 60
    call_command("gerar_demo_matrizes", stdout=io.StringIO())
    assert Regra.objects.count() == total
    # no tie for any destination UF × client type × contributor combination on the demo date
    tipos = [*TipoCliente.objects.values_list("pk", flat=True), None]
    perguntas = [
        Pergunta(
            matriz=matriz,
            data=Regra.objects.order_by("vigencia_inicio").first().vigencia_inicio,  # type: ignore[union-attr]
            chaves={
                "uf_origem": "SP",
                "uf_destino": uf,
                "regiao": REGIAO_DA_UF[uf],
                "tipo_cliente": tipo,
                "contribuinte": contribuinte,
                "consumidor_final": not contribuinte,
                "ncm": ncm,
                "condicao_pagamento": condicao,
            },
            percentual=D("7"),
        )
        for matriz in TipoMatriz
        for uf in REGIAO_DA_UF
        for tipo in tipos
        for contribuinte in (True, False)
        for ncm in ("85395000", "10063021")
        for condicao in ("60DD",)
    ]
    respostas = resolver(perguntas)
    assert [r for r in respostas if r.empatadas] == []
    # and the fiscal matrices always answer
    fiscais = {TipoMatriz.ICMS, TipoMatriz.IPI, TipoMatriz.PIS_COFINS, TipoMatriz.ALCADA}
    assert all(r.regra for r in respostas if r.pergunta.matriz in fiscais)


def test_demo_tem_as_regras_pedidas(base_demo: None) -> None:
    icms = Regra.objects.filter(matriz="ICMS", ncm__isnull=True)
    assert icms.get(uf_destino="SP").aliquota == D("18")
    assert icms.get(uf_destino="RJ").aliquota == D("12")
    assert icms.get(uf_destino="BA").aliquota == D("7")
    assert set(icms.exclude(uf_destino="SP").values_list("metodo_difal", flat=True)) == {
        "base_unica",
        "base_dupla",
    }
    pis = Regra.objects.get(matriz="PIS_COFINS", ncm__isnull=True)
    assert (pis.aliquota_pis, pis.aliquota_cofins) == (D("1.65"), D("7.6"))
    assert Regra.objects.filter(matriz="ICMS_ST", mva__isnull=False).count() == 3
    faixas = Regra.objects.filter(matriz="ALCADA").order_by("nivel_alcada")
    assert [(f.percentual_de, f.percentual_ate, f.papel_aprovador) for f in faixas] == [
        (None, D("5"), "Representante"),
        (D("5"), D("10"), "Supervisor"),
        (D("10"), None, "Administrador"),
    ]
    assert Regra.objects.filter(matriz="VALOR_MINIMO").exists()


def test_comando_le_da_entrada_padrao(monkeypatch: pytest.MonkeyPatch) -> None:
    arquivo = DOCS / "exemplos" / "pedido.json"
    monkeypatch.setattr("sys.stdin", io.StringIO(arquivo.read_text(encoding="utf-8")))
    assert _rodar("-")["v_nf"] == "333.78"
