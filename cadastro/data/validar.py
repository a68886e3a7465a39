#!/usr/bin/env python3
"""Valida os arquivos de dados de cadastro/data (somente stdlib).

Uso: python cadastro/data/validar.py
Sai com código 1 se alguma regra falhar; imprime contagens.
"""

import csv
import itertools
import os
import sys
from collections import Counter, defaultdict

AQUI = os.path.dirname(os.path.abspath(__file__))

UF_IBGE = {
    "RO": 11,
    "AC": 12,
    "AM": 13,
    "RR": 14,
    "PA": 15,
    "AP": 16,
    "TO": 17,
    "MA": 21,
    "PI": 22,
    "CE": 23,
    "RN": 24,
    "PB": 25,
    "PE": 26,
    "AL": 27,
    "SE": 28,
    "BA": 29,
    "MG": 31,
    "ES": 32,
    "RJ": 33,
    "SP": 35,
    "PR": 41,
    "SC": 42,
    "RS": 43,
    "MS": 50,
    "MT": 51,
    "GO": 52,
    "DF": 53,
}

erros: list[str] = []


def erro(msg):
    erros.append(msg)


def ler(nome, colunas):
    caminho = os.path.join(AQUI, nome)
    with open(caminho, encoding="utf-8", newline="") as fh:
        leitor = csv.DictReader(fh)
        if leitor.fieldnames != colunas:
            erro(f"{nome}: cabeçalho {leitor.fieldnames} != {colunas}")
        return list(leitor)


def validar_municipios():
    linhas = ler("municipios.csv", ["codigo_ibge", "nome", "uf", "capital"])
    municipios = {}
    capitais = Counter()
    for i, r in enumerate(linhas, start=2):
        cod, nome, uf, cap = r["codigo_ibge"], r["nome"], r["uf"], r["capital"]
        if not (len(cod) == 7 and cod.isdigit()):
            erro(f"municipios.csv:{i}: código inválido {cod!r}")
            continue
        if cod in municipios:
            erro(f"municipios.csv:{i}: código duplicado {cod}")
        if uf not in UF_IBGE:
            erro(f"municipios.csv:{i}: UF inválida {uf!r}")
        elif int(cod[:2]) != UF_IBGE[uf]:
            erro(f"municipios.csv:{i}: código {cod} não pertence à UF {uf}")
        if not nome.strip() or nome != nome.strip():
            erro(f"municipios.csv:{i}: nome vazio ou com espaços nas pontas")
        if cap not in ("0", "1"):
            erro(f"municipios.csv:{i}: capital deve ser 0/1, veio {cap!r}")
        elif cap == "1":
            capitais[uf] += 1
        municipios[cod] = (nome, uf, cap == "1")
    if len(municipios) < 5560:
        erro(f"municipios.csv: só {len(municipios)} municípios (< 5560)")
    ufs = Counter(uf for _, uf, _ in municipios.values())
    if set(ufs) != set(UF_IBGE):
        erro(f"municipios.csv: UFs ausentes {sorted(set(UF_IBGE) - set(ufs))}")
    for uf in UF_IBGE:
        if capitais[uf] != 1:
            erro(f"municipios.csv: UF {uf} tem {capitais[uf]} capitais (esperado 1)")
    print(
        f"municipios.csv: {len(municipios)} municípios, {len(ufs)} UFs, "
        f"{sum(capitais.values())} capitais"
    )
    return municipios


def cep_ok(s):
    return len(s) == 8 and s.isdigit()


def sobrepoe(faixas):
    """Devolve pares sobrepostos numa lista de (ini, fim, rótulo)."""
    faixas = sorted(faixas)
    return [(a, b) for a, b in itertools.pairwise(faixas) if b[0] <= a[1]]


def validar_faixas(municipios):
    linhas = ler("cep_faixas.csv", ["cep_inicio", "cep_fim", "uf", "codigo_ibge"])
    por_uf = defaultdict(list)
    por_mun = defaultdict(list)
    for i, r in enumerate(linhas, start=2):
        ini, fim, uf, cod = r["cep_inicio"], r["cep_fim"], r["uf"], r["codigo_ibge"]
        if not (cep_ok(ini) and cep_ok(fim)):
            erro(f"cep_faixas.csv:{i}: CEP com formato inválido ({ini}, {fim})")
            continue
        a, b = int(ini), int(fim)
        if a > b:
            erro(f"cep_faixas.csv:{i}: início > fim")
        if uf not in UF_IBGE:
            erro(f"cep_faixas.csv:{i}: UF inválida {uf!r}")
            continue
        if cod:
            if cod not in municipios:
                erro(f"cep_faixas.csv:{i}: município {cod} não existe em municipios.csv")
            elif municipios[cod][1] != uf:
                erro(f"cep_faixas.csv:{i}: município {cod} não é da UF {uf}")
            por_mun[cod].append((a, b))
        else:
            por_uf[uf].append((a, b))
    if set(por_uf) != set(UF_IBGE):
        erro(f"cep_faixas.csv: UFs sem faixa {sorted(set(UF_IBGE) - set(por_uf))}")
    todas_uf = [(a, b, uf) for uf, fx in por_uf.items() for a, b in fx]
    for x, y in sobrepoe(todas_uf):
        erro(f"cep_faixas.csv: faixas de UF sobrepostas {x} {y}")
    todas_mun = [(a, b, cod) for cod, fx in por_mun.items() for a, b in fx]
    for x, y in sobrepoe(todas_mun):
        erro(f"cep_faixas.csv: faixas de município sobrepostas {x} {y}")
    for cod, fx in por_mun.items():
        uf = municipios.get(cod, (None, None))[1]
        for a, b in fx:
            if not any(ua <= a and b <= ub for ua, ub in por_uf.get(uf, [])):
                erro(f"cep_faixas.csv: faixa {a:08d}-{b:08d} de {cod} fora das faixas da UF {uf}")
    sem_faixa = [c for c, (_, _, cap) in municipios.items() if cap and c not in por_mun]
    if sem_faixa:
        erro(f"cep_faixas.csv: capitais sem faixa municipal: {sem_faixa}")
    print(
        f"cep_faixas.csv: {len(linhas)} faixas ({len(todas_uf)} de UF em {len(por_uf)} UFs, "
        f"{len(todas_mun)} de município em {len(por_mun)} municípios)"
    )
    return por_uf, por_mun


def validar_exemplos(municipios, por_uf, por_mun):
    if not os.path.exists(os.path.join(AQUI, "ceps_exemplo.csv")):
        print("ceps_exemplo.csv: ausente (opcional)")
        return
    linhas = ler("ceps_exemplo.csv", ["cep", "logradouro", "bairro", "codigo_ibge"])
    vistos = set()
    for i, r in enumerate(linhas, start=2):
        cep, cod = r["cep"], r["codigo_ibge"]
        if not cep_ok(cep):
            erro(f"ceps_exemplo.csv:{i}: CEP inválido {cep!r}")
            continue
        if cep in vistos:
            erro(f"ceps_exemplo.csv:{i}: CEP duplicado {cep}")
        vistos.add(cep)
        if cod not in municipios:
            erro(f"ceps_exemplo.csv:{i}: município {cod} não existe")
            continue
        n = int(cep)
        uf = municipios[cod][1]
        if not any(a <= n <= b for a, b in por_uf.get(uf, [])):
            erro(f"ceps_exemplo.csv:{i}: CEP {cep} fora das faixas da UF {uf}")
        if cod in por_mun and not any(a <= n <= b for a, b in por_mun[cod]):
            erro(f"ceps_exemplo.csv:{i}: CEP {cep} fora das faixas do município {cod}")
        if not r["logradouro"].strip() or not r["bairro"].strip():
            erro(f"ceps_exemplo.csv:{i}: logradouro/bairro vazio")
    ufs = {municipios[r["codigo_ibge"]][1] for r in linhas if r["codigo_ibge"] in municipios}
    print(
        f"ceps_exemplo.csv: {len(linhas)} CEPs em "
        f"{len({r['codigo_ibge'] for r in linhas})} municípios de {len(ufs)} UFs"
    )


def main():
    municipios = validar_municipios()
    por_uf, por_mun = validar_faixas(municipios)
    validar_exemplos(municipios, por_uf, por_mun)
    if erros:
        for e in erros[:50]:
            print("ERRO:", e)
        print(f"{len(erros)} erro(s)")
        return 1
    print("OK: todas as regras passaram")
    return 0


if __name__ == "__main__":
    sys.exit(main())
