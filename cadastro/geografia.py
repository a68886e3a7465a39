"""Loading the shipped IBGE/CEP data, and the local CEP lookup used by the address form.

Lookup order: exact CEP in the local street table → CEP range (municipality, else only UF) →
nothing (the user fills the address by hand; we never block on an unknown CEP).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm.documentos import normalizar_cep

PASTA_DADOS = Path(__file__).resolve().parent / "data"


def _linhas(nome: str) -> list[dict[str, str]]:
    with (PASTA_DADOS / nome).open(encoding="utf-8", newline="") as arquivo:
        return list(csv.DictReader(arquivo))


def carregar_geografia(apps: Any = None) -> dict[str, int]:
    """Idempotent load of municipalities, CEP ranges and sample CEPs (also used by a migration)."""
    if apps is None:
        from django.apps import apps as registro

        apps = registro
    Municipio = apps.get_model("cadastro", "Municipio")
    FaixaCep = apps.get_model("cadastro", "FaixaCep")
    Cep = apps.get_model("cadastro", "Cep")
    municipios = [
        Municipio(
            codigo_ibge=int(linha["codigo_ibge"]),
            nome=linha["nome"],
            uf=linha["uf"],
            capital=linha["capital"] == "1",
        )
        for linha in _linhas("municipios.csv")
    ]
    Municipio.objects.bulk_create(
        municipios,
        update_conflicts=True,
        unique_fields=["codigo_ibge"],
        update_fields=["nome", "uf", "capital"],
        batch_size=2000,
    )
    FaixaCep.objects.all().delete()
    FaixaCep.objects.bulk_create(
        FaixaCep(
            cep_inicio=linha["cep_inicio"],
            cep_fim=linha["cep_fim"],
            uf=linha["uf"],
            municipio_id=int(linha["codigo_ibge"]) if linha["codigo_ibge"] else None,
        )
        for linha in _linhas("cep_faixas.csv")
    )
    Cep.objects.bulk_create(
        (
            Cep(cep=linha["cep"], logradouro=linha["logradouro"], bairro=linha["bairro"],
                municipio_id=int(linha["codigo_ibge"]))
            for linha in _linhas("ceps_exemplo.csv")
        ),
        update_conflicts=True,
        unique_fields=["cep"],
        update_fields=["logradouro", "bairro", "municipio"],
    )  # fmt: skip
    return {
        "municipios": Municipio.objects.count(),
        "faixas": FaixaCep.objects.count(),
        "ceps": Cep.objects.count(),
    }


@dataclass(frozen=True)
class EnderecoCep:
    cep: str
    uf: str = ""
    municipio_id: int | None = None
    municipio_nome: str = ""
    logradouro: str = ""
    bairro: str = ""
    precisao: str = "nenhuma"  # "logradouro" | "municipio" | "uf" | "nenhuma"

    @property
    def mensagem(self) -> str:
        return {
            "logradouro": "Endereço preenchido pelo CEP.",
            "municipio": "CEP geral do município: informe logradouro e bairro.",
            "uf": "CEP localizado apenas pela UF: informe município, logradouro e bairro.",
            "nenhuma": "CEP não encontrado na base local: preencha o endereço.",
        }[self.precisao]


def consultar_cep(valor: str) -> EnderecoCep:
    from cadastro.models import Cep, FaixaCep

    cep = normalizar_cep(valor)
    if len(cep) != 8:
        return EnderecoCep(cep=cep)
    exato = Cep.objects.select_related("municipio").filter(cep=cep).first()
    if exato:
        return EnderecoCep(
            cep=cep,
            uf=exato.municipio.uf,
            municipio_id=exato.municipio_id,
            municipio_nome=exato.municipio.nome,
            logradouro=exato.logradouro,
            bairro=exato.bairro,
            precisao="logradouro",
        )
    faixa = (
        FaixaCep.objects.select_related("municipio")
        .filter(cep_inicio__lte=cep, cep_fim__gte=cep)
        .order_by("municipio_id")  # municipality-level ranges first (NULLs last)
        .first()
    )
    if faixa is None:
        return EnderecoCep(cep=cep)
    if faixa.municipio is not None:
        return EnderecoCep(
            cep=cep,
            uf=faixa.uf,
            municipio_id=faixa.municipio_id,
            municipio_nome=faixa.municipio.nome,
            precisao="municipio",
        )
    return EnderecoCep(cep=cep, uf=faixa.uf, precisao="uf")
