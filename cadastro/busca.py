"""Global search (top bar, shortcut `/`): name, CPF/CNPJ, phone, e-mail — within visibility.

Every group starts from `Cliente.objects.visiveis_para(user)`; each is capped so a vague term
never scans the whole base into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Func, Q, TextField, Value

from cadastro.models import Cliente
from crm.documentos import limpar, normalizar_fone

if TYPE_CHECKING:
    from contas.models import Usuario

LIMITE_POR_GRUPO = 10
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]*$")


class Imutavel(Func):
    """`f_unaccent(lower(x))`: the IMMUTABLE wrapper created in migration 0002 (indexable)."""

    function = "f_unaccent"
    output_field = TextField()


@dataclass
class ResultadoBusca:
    termo: str
    grupos: dict[str, list[Cliente]] = field(default_factory=dict)

    @property
    def vazio(self) -> bool:
        return not any(self.grupos.values())

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.grupos.values())


def _base(user: Usuario):
    return (
        Cliente.objects.visiveis_para(user)
        .select_related("carteira", "status")
        .only("id", "nome", "nome_fantasia", "documento", "tipo_pessoa", "carteira__nome",
              "status__descricao", "estrangeiro")
    )  # fmt: skip


def busca_global(*, user: Usuario, termo: str) -> ResultadoBusca:
    resultado = ResultadoBusca(termo=termo)
    termo = termo.strip()
    if len(termo) < 2:
        return resultado
    compacto = limpar(termo)
    digitos = re.sub(r"\D", "", termo)

    if _EMAIL_RE.match(termo):
        resultado.grupos["E-mail"] = list(
            _base(user)
            .filter(contatos_eletronicos__valor__istartswith=termo.lower())
            .distinct()[:LIMITE_POR_GRUPO]
        )
        return resultado

    if compacto and (len(compacto) in (11, 14)) and any(c.isdigit() for c in compacto):
        doc = compacto.zfill(11) if compacto.isdigit() and len(compacto) < 11 else compacto
        resultado.grupos["CPF/CNPJ"] = list(_base(user).filter(documento=doc)[:LIMITE_POR_GRUPO])

    if len(digitos) >= 8 and len(digitos) == len(re.sub(r"[\s().\-+/]", "", termo)):
        fone = normalizar_fone(digitos)
        if len(fone) in (10, 11):
            filtro = Q(telefones__ddd=fone[:2], telefones__numero=fone[2:])
        else:
            filtro = Q(telefones__numero=fone[-9:]) | Q(telefones__numero=fone[-8:])
        resultado.grupos["Telefone"] = list(
            _base(user).filter(filtro).distinct()[:LIMITE_POR_GRUPO]
        )

    if not digitos or len(digitos) < len(compacto):
        chave = Imutavel(Value(termo))
        # `%` uses the trigram GIN index on f_unaccent(nome); the prefix match catches
        # short names where trigram similarity is weak.
        nomes = (
            _base(user)
            .annotate(nome_norm=Imutavel("nome"))
            .filter(Q(nome_norm__trigram_similar=chave) | Q(nome_norm__contains=chave))
            .order_by("nome", "id")[:LIMITE_POR_GRUPO]
        )
        resultado.grupos["Nome"] = list(nomes)
    return resultado
