"""Brazilian documents: normalise, validate and format CPF, CNPJ (incl. alphanumeric), CEP, phone.

Stored form (database): CPF = 11 digits; CNPJ = 14 chars, upper-case, digits/letters (the
alphanumeric CNPJ of IN RFB 2.229/2024, issued from July 2026); CEP = 8 digits; phone = digits
with DDD (10 or 11). Everything typed or pasted, with or without mask, is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_exc
from stdnum.br import cnpj as _cnpj
from stdnum.br import cpf as _cpf

_NAO_ALFANUM = re.compile(r"[^0-9A-Za-z]")
_NAO_DIGITO = re.compile(r"\D")


class DocumentoInvalido(ValueError):
    """A document that fails validation; `mensagem` is pt-BR, ready for the user."""

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


@dataclass(frozen=True)
class Documento:
    tipo: str  # "CPF" | "CNPJ"
    numero: str  # normalised

    @property
    def formatado(self) -> str:
        return formatar_documento(self.numero)


def limpar(valor: object) -> str:
    """Strip mask characters; numbers that a spreadsheet turned into int/float come back as text."""
    if valor is None:
        return ""
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return _NAO_ALFANUM.sub("", str(valor)).upper()


def normalizar_cpf(valor: object) -> str:
    numero = limpar(valor)
    if numero.isdigit() and len(numero) < 11:
        numero = numero.zfill(11)  # Excel drops leading zeros of CPFs typed as numbers
    return numero


def normalizar_cnpj(valor: object) -> str:
    numero = limpar(valor)
    if numero.isdigit() and len(numero) < 14:
        numero = numero.zfill(14)
    return numero


def validar_cpf(valor: object) -> str:
    bruto = str(valor or "").strip()
    numero = normalizar_cpf(valor)
    if not numero:
        raise DocumentoInvalido("Informe o CPF.")
    if not numero.isdigit() or len(numero) != 11:
        raise DocumentoInvalido(f"CPF {bruto}: deve ter 11 dígitos.")
    if len(set(numero)) == 1:
        raise DocumentoInvalido(f"CPF {bruto}: número inválido (dígitos repetidos).")
    try:
        _cpf.validate(numero)
    except stdnum_exc.InvalidChecksum as exc:
        raise DocumentoInvalido(f"CPF {bruto}: dígito verificador inválido.") from exc
    except stdnum_exc.ValidationError as exc:
        raise DocumentoInvalido(f"CPF {bruto}: número inválido.") from exc
    return numero


def validar_cnpj(valor: object) -> str:
    bruto = str(valor or "").strip()
    numero = normalizar_cnpj(valor)
    if not numero:
        raise DocumentoInvalido("Informe o CNPJ.")
    if len(numero) != 14 or not numero[-2:].isdigit():
        raise DocumentoInvalido(f"CNPJ {bruto}: deve ter 14 caracteres (os 2 últimos numéricos).")
    if len(set(numero)) == 1:
        raise DocumentoInvalido(f"CNPJ {bruto}: número inválido (caracteres repetidos).")
    try:
        _cnpj.validate(numero)
    except stdnum_exc.InvalidChecksum as exc:
        raise DocumentoInvalido(f"CNPJ {bruto}: dígito verificador inválido.") from exc
    except stdnum_exc.ValidationError as exc:
        raise DocumentoInvalido(f"CNPJ {bruto}: número inválido.") from exc
    return numero


def validar_documento(valor: object) -> Documento:
    """CPF or CNPJ, decided by length once the mask is gone (11 → CPF, otherwise CNPJ)."""
    numero = limpar(valor)
    if not numero:
        raise DocumentoInvalido("Informe o CPF ou o CNPJ.")
    if numero.isdigit() and len(numero) <= 11:
        return Documento("CPF", validar_cpf(numero))
    return Documento("CNPJ", validar_cnpj(valor))


def formatar_documento(numero: str | None) -> str:
    if not numero:
        return ""
    if len(numero) == 11:
        return f"{numero[:3]}.{numero[3:6]}.{numero[6:9]}-{numero[9:]}"
    if len(numero) == 14:
        return f"{numero[:2]}.{numero[2:5]}.{numero[5:8]}/{numero[8:12]}-{numero[12:]}"
    return numero


def normalizar_cep(valor: object) -> str:
    numero = _NAO_DIGITO.sub("", limpar(valor))
    if len(numero) == 7:
        numero = "0" + numero  # a spreadsheet turned 01310-100 into the number 1310100
    return numero


def validar_cep(valor: object) -> str:
    numero = normalizar_cep(valor)
    if len(numero) != 8:
        raise DocumentoInvalido(f"CEP {valor}: deve ter 8 dígitos.")
    return numero


def formatar_cep(numero: str | None) -> str:
    if not numero or len(numero) != 8:
        return numero or ""
    return f"{numero[:5]}-{numero[5:]}"


def normalizar_fone(valor: object) -> str:
    """Digits only; a leading 0 (long-distance prefix) or the 55 country code is dropped."""
    numero = _NAO_DIGITO.sub("", limpar(valor))
    if numero.startswith("55") and len(numero) in (12, 13):
        numero = numero[2:]
    if numero.startswith("0") and len(numero) in (11, 12):
        numero = numero[1:]
    return numero


def validar_fone(valor: object) -> str:
    numero = normalizar_fone(valor)
    if len(numero) not in (10, 11):
        raise DocumentoInvalido(
            f"Telefone {valor}: informe DDD + número (10 ou 11 dígitos), ex.: (11) 98765-4321."
        )
    if numero[:2].startswith("0") or numero[0] == "0":
        raise DocumentoInvalido(f"Telefone {valor}: DDD inválido.")
    if len(numero) == 11 and numero[2] != "9":
        raise DocumentoInvalido(f"Telefone {valor}: celular com 9 dígitos deve começar com 9.")
    return numero


def formatar_fone(numero: str | None) -> str:
    if not numero:
        return ""
    if len(numero) == 11:
        return f"({numero[:2]}) {numero[2:7]}-{numero[7:]}"
    if len(numero) == 10:
        return f"({numero[:2]}) {numero[2:6]}-{numero[6:]}"
    if len(numero) in (8, 9):
        return f"{numero[:-4]}-{numero[-4:]}"
    return numero


def gerar_cpf(base: int) -> str:
    """A valid CPF from a 9-digit base (demo data and tests)."""
    corpo = f"{base % 1_000_000_000:09d}"
    return corpo + _cpf._calc_check_digits(corpo)


def gerar_cnpj(base: int, filial: int = 1) -> str:
    corpo = f"{base % 100_000_000:08d}{filial:04d}"
    return corpo + _cnpj.calc_check_digits(corpo)
