"""Layout da planilha de regras: o mesmo para exportar (lista) e importar (`importacao.py`).

A exportação da lista sai com estas colunas, de modo que o supervisor exporta, ajusta no Excel
e importa de volta (as colunas ID e Versão são ignoradas na importação: importar sempre cria
regras novas, nunca altera as existentes — alterar é nova versão, pela tela). Chaves de
cadastro vão por código (produto, linha, tipo de cliente, unidade), CNPJ (empresa), CPF/CNPJ
(cliente) e usuário (representante), nunca por id interno.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from crm.documentos import limpar
from crm.xlsx import Coluna, TipoColuna
from matrizes.constants import TipoMatriz
from matrizes.models import Regra


@dataclass(frozen=True)
class ColunaRegra:
    titulo: str
    campo: str  # campo do modelo ("" = só exportação)
    tipo: TipoColuna = "texto"
    largura: int | None = None


def _pct(titulo: str, campo: str) -> ColunaRegra:
    return ColunaRegra(titulo, campo, "decimal", 12)


COLUNAS: tuple[ColunaRegra, ...] = (
    ColunaRegra("ID", "", "inteiro", 8),
    ColunaRegra("Matriz", "matriz", "texto", 22),
    ColunaRegra("Empresa (CNPJ)", "empresa", "texto", 18),
    ColunaRegra("UF origem", "uf_origem", "texto", 10),
    ColunaRegra("UF destino", "uf_destino", "texto", 10),
    ColunaRegra("Região", "regiao", "texto", 8),
    ColunaRegra("NCM", "ncm", "texto", 10),
    ColunaRegra("CEST", "cest", "texto", 9),
    ColunaRegra("Produto (código)", "produto", "texto", 16),
    ColunaRegra("Linha (código)", "linha", "texto", 14),
    ColunaRegra("Tipo de cliente (código)", "tipo_cliente", "texto", 14),
    ColunaRegra("Cliente (CPF/CNPJ)", "cliente", "texto", 18),
    ColunaRegra("Contribuinte", "contribuinte", "booleano", 12),
    ColunaRegra("Consumidor final", "consumidor_final", "booleano", 12),
    ColunaRegra("Condição de pagamento", "condicao_pagamento", "texto", 14),
    ColunaRegra("Representante (usuário)", "representante", "texto", 16),
    ColunaRegra("CFOP", "cfop", "texto", 8),
    ColunaRegra("Cenário", "cenario", "texto", 12),
    _pct("Desconto acima de (%)", "percentual_de"),
    _pct("Desconto até (%)", "percentual_ate"),
    _pct("Alíquota (%)", "aliquota"),
    _pct("Redução da base (%)", "reducao_base"),
    _pct("FCP (%)", "fcp"),
    _pct("Alíquota interna destino (%)", "aliquota_interna_destino"),
    ColunaRegra("Método DIFAL", "metodo_difal", "texto", 12),
    ColunaRegra("Aplica ST", "aplica_st", "booleano", 10),
    _pct("MVA (%)", "mva"),
    ColunaRegra("Ajustar MVA", "ajustar_mva", "booleano", 10),
    _pct("PIS (%)", "aliquota_pis"),
    _pct("COFINS (%)", "aliquota_cofins"),
    ColunaRegra("Valor (R$)", "valor", "moeda", 14),
    _pct("Percentual (%)", "percentual"),
    ColunaRegra("Rateio do frete", "chave_rateio_frete", "texto", 10),
    ColunaRegra("Nível de alçada", "nivel_alcada", "inteiro", 10),
    ColunaRegra("Aprovador", "papel_aprovador", "texto", 14),
    ColunaRegra("Cenário atribuído", "cenario_atribuido", "texto", 14),
    ColunaRegra("Unidade de venda", "unidade_venda", "texto", 10),
    ColunaRegra("Múltiplo", "multiplo", "decimal", 10),
    ColunaRegra("Permitida", "permitido", "booleano", 10),
    ColunaRegra("Vigente de", "vigencia_inicio", "data", 12),
    ColunaRegra("Vigente até", "vigencia_fim", "data", 12),
    ColunaRegra("Versão", "", "inteiro", 8),
    ColunaRegra("Observação", "observacao", "texto", 40),
)

RELACIONADOS = ("empresa", "produto", "linha", "tipo_cliente", "cliente", "representante")


def colunas_xlsx() -> list[Coluna]:
    return [Coluna(c.titulo, c.tipo, c.largura) for c in COLUNAS]


def _chave_externa(regra: Regra, campo: str) -> str | None:
    objeto = getattr(regra, campo)
    if objeto is None:
        return None
    if campo == "empresa":
        return str(objeto.cnpj)
    if campo == "cliente":
        return str(objeto.documento or "")
    if campo == "representante":
        return str(objeto.username)
    return str(objeto.codigo)


def linha_exportacao(regra: Regra) -> list[Any]:
    """Uma regra → valores na ordem de `COLUNAS` (precisa de `com_relacionados()`)."""
    valores: list[Any] = []
    for coluna in COLUNAS:
        if coluna.titulo == "ID":
            valores.append(regra.pk)
        elif coluna.titulo == "Versão":
            valores.append(regra.versao)
        elif coluna.campo in (*RELACIONADOS, "unidade_venda"):
            valores.append(_chave_externa(regra, coluna.campo))
        else:
            valores.append(getattr(regra, coluna.campo))
    return valores


# ---------------------------------------------------------------------------------------------
# Leitura
# ---------------------------------------------------------------------------------------------


def _normalizar(texto: str) -> str:
    sem_acento = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return " ".join(sem_acento.lower().split())


_MATRIZES = {_normalizar(v): v for v in TipoMatriz.values} | {
    _normalizar(str(r)): v for v, r in TipoMatriz.choices
}


class ErroCelula(Exception):
    pass


def _texto(valor: Any) -> str | None:
    if valor is None:
        return None
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    texto = str(valor).strip()
    return texto or None


def _decimal(valor: Any) -> Decimal | None:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, bool):
        raise ErroCelula("número esperado")
    if isinstance(valor, int | float):
        # repr do float é o decimal mais curto que volta ao mesmo float: 1.65 → "1.65".
        return Decimal(repr(valor)) if isinstance(valor, float) else Decimal(valor)
    texto = str(valor).strip().replace("%", "").strip()
    if "," in texto:  # digitado em pt-BR: 1.234,56
        texto = texto.replace(".", "").replace(",", ".")
    try:
        return Decimal(texto)
    except InvalidOperation as erro:
        raise ErroCelula(f"“{valor}” não é um número") from erro


def _booleano(valor: Any) -> bool | None:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, bool):
        return valor
    texto = _normalizar(str(valor))
    if texto in {"sim", "s", "true", "1", "verdadeiro"}:
        return True
    if texto in {"nao", "n", "false", "0", "falso"}:
        return False
    raise ErroCelula(f"“{valor}” não é Sim/Não")


def _data(valor: Any) -> dt.date | None:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, dt.datetime):
        return valor.date()
    if isinstance(valor, dt.date):
        return valor
    texto = str(valor).strip()
    for formato in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(texto, formato).date()  # noqa: DTZ007 (só a data)
        except ValueError:
            continue
    raise ErroCelula(f"“{valor}” não é uma data dd/mm/aaaa")


def converter(coluna: ColunaRegra, valor: Any) -> Any:
    """Uma célula lida (python-calamine: str, int, float, bool, date, "") → valor do campo."""
    campo = coluna.campo
    if coluna.tipo in {"decimal", "moeda"}:
        return _decimal(valor)
    if coluna.tipo == "booleano":
        return _booleano(valor)
    if coluna.tipo == "data":
        return _data(valor)
    if coluna.tipo == "inteiro":
        numero = _decimal(valor)
        if numero is None:
            return None
        if numero != numero.to_integral_value():
            raise ErroCelula("inteiro esperado")
        return int(numero)
    texto = _texto(valor)
    if texto is None:
        return "" if campo == "observacao" else None
    if campo == "matriz":
        matriz = _MATRIZES.get(_normalizar(texto))
        if matriz is None:
            raise ErroCelula(f"matriz “{texto}” desconhecida (use p.ex. ICMS, IPI, ICMS_ST)")
        return matriz
    if campo == "ncm":
        return limpar(texto).zfill(8) if limpar(texto) else None
    if campo == "cest":
        return limpar(texto).zfill(7) if limpar(texto) else None
    if campo in {"empresa", "cliente"}:
        return limpar(texto).upper()
    if campo in {"uf_origem", "uf_destino", "regiao", "tipo_cliente", "linha", "produto"}:
        return texto.upper()
    if campo == "unidade_venda":
        return texto.upper()
    return texto
