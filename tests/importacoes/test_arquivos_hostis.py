"""Hostile uploads are refused at the door: fast, with a clear pt-BR message, in little memory,
and without creating a job (the parser never sees them).

Each file is built here. The guard itself (crm/arquivos.py) has its own unit tests; these prove
the import's upload screen and service actually go through it, within the time and memory
budget the issue sets.
"""

from __future__ import annotations

import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.urls import reverse

from importacoes.models import Importacao
from tests.importacoes.apoio import linha_cliente, planilha

MB = 1024 * 1024

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE sst [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&h;</t></si></sst>
"""


def _valido() -> bytes:
    return planilha([linha_cliente(1)])


def _reempacotar(original: bytes, trocar: dict[str, bytes] | None = None,
                 acrescentar: dict[str, bytes] | None = None) -> bytes:  # fmt: skip
    saida = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as entrada,
        zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for info in entrada.infolist():
            zf.writestr(info.filename, (trocar or {}).get(info.filename, entrada.read(info)))
        for nome, dados in (acrescentar or {}).items():
            zf.writestr(nome, dados)
    return saida.getvalue()


def _bomba() -> bytes:
    """A 400 KB zip whose worksheet inflates to 400 MB of zeros."""
    saida = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_valido())) as valido,
        zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
    ):
        for info in valido.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, valido.read(info))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as parte:
            zeros = bytes(MB)
            for _ in range(400):
                parte.write(zeros)
    return saida.getvalue()


def _mentiroso() -> bytes:
    """A member that declares 1.000 bytes (size and CRC patched) but inflates to ~2 MB."""
    nome = "xl/sharedStrings.xml"
    real = b"<sst>" + b"<si><t>repetido</t></si>" * 90_000 + b"</sst>"
    conteudo = bytearray(_reempacotar(_valido(), acrescentar={nome: real}))
    info = zipfile.ZipFile(io.BytesIO(bytes(conteudo))).getinfo(nome)
    crc = zlib.crc32(real[:1000])
    struct.pack_into("<L", conteudo, info.header_offset + 14, crc)
    struct.pack_into("<L", conteudo, info.header_offset + 22, 1000)
    central = conteudo.find(b"PK\x01\x02")
    while conteudo[central + 46 : central + 46 + len(nome)] != nome.encode():
        central = conteudo.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<L", conteudo, central + 16, crc)
    struct.pack_into("<L", conteudo, central + 24, 1000)
    return bytes(conteudo)


def _xxe() -> bytes:
    original = _valido()
    workbook = zipfile.ZipFile(io.BytesIO(original)).read("xl/workbook.xml")
    corpo = workbook.split(b"?>", 1)[1] if workbook.startswith(b"<?xml") else workbook
    xxe = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + corpo
    )
    return _reempacotar(original, trocar={"xl/workbook.xml": xxe})


HOSTIS = {
    "csv-renomeado": (lambda: b"cpf;nome\r\n12345678909;Maria\r\n", "não é uma planilha .xlsx"),
    "xls-antigo": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "formato antigo"),
    "macros": (
        lambda: _reempacotar(_valido(), acrescentar={"xl/vbaProject.bin": b"\xcc" * 64}),
        "contém macros",
    ),
    "bomba-de-zip": (_bomba, "bomba de compactação"),
    "parte-que-infla-alem-do-declarado": (_mentiroso, "adulterado"),
    "bomba-de-entidades-xml": (
        lambda: _reempacotar(_valido(), acrescentar={"xl/sharedStrings.xml": BILLION_LAUGHS}),
        "entidades XML",
    ),
    "entidade-externa": (_xxe, "entidades XML"),
}


@pytest.mark.parametrize("caso", sorted(HOSTIS))
def test_upload_hostil_recusado_rapido_sem_memoria_e_sem_job(caso, registros, admin, client):
    # given a hostile file disguised as .xlsx
    montar, trecho = HOSTIS[caso]
    conteudo = montar()
    client.force_login(admin)
    url = reverse("importacoes:importacao-criar")
    client.get(url)  # warm up (URLconf, templates): the budget is for checking the file

    def enviar() -> object:
        arquivo = io.BytesIO(conteudo)
        arquivo.name = "clientes.xlsx"
        return client.post(url, {"arquivo": arquivo})

    # when it is uploaded on the import screen (timed, then again under tracemalloc)
    inicio = time.perf_counter()
    resposta = enviar()
    decorrido = time.perf_counter() - inicio
    tracemalloc.start()
    enviar()
    _, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then it is refused with a clear message, in under 2 s and little memory, and no job exists
    assert resposta.status_code == 400
    assert trecho in resposta.content.decode()
    assert decorrido < 2.0, f"{caso}: {decorrido:.2f} s"
    assert pico < 32 * MB, f"{caso}: pico de {pico / MB:.1f} MB"
    assert not Importacao.objects.exists()


def test_arquivo_acima_do_limite_configurado(registros, admin, client, settings):
    settings.IMPORTACAO_TAMANHO_MAXIMO = MB
    grande = planilha([linha_cliente(n, Observações=os.urandom(300).hex()) for n in range(3000)])
    assert len(grande) > MB
    client.force_login(admin)
    arquivo = io.BytesIO(grande)
    arquivo.name = "grande.xlsx"
    inicio = time.perf_counter()
    resposta = client.post(reverse("importacoes:importacao-criar"), {"arquivo": arquivo})
    assert time.perf_counter() - inicio < 2.0
    assert resposta.status_code == 400
    assert "O arquivo excede o tamanho máximo de 1 MB." in resposta.content.decode()
    assert not Importacao.objects.exists()


def test_planilha_legitima_passa_pela_mesma_porta(
    registros, admin, client, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    arquivo = io.BytesIO(_valido())
    arquivo.name = "clientes.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        resposta = client.post(reverse("importacoes:importacao-criar"), {"arquivo": arquivo})
    assert resposta.status_code == 302
    assert Importacao.objects.get().criadas == 1  # Celery is eager in tests
