"""Triagem de planilhas hostis. Cada arquivo hostil é montado aqui mesmo, com zipfile/openpyxl."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from crm.arquivos import (
    MB,
    MENSAGEM_ADULTERADO,
    MENSAGEM_BOMBA,
    MENSAGEM_DESCOMPACTADO,
    MENSAGEM_DTD,
    MENSAGEM_INVALIDO,
    MENSAGEM_MACRO,
    MENSAGEM_PARTES,
    MENSAGEM_XLS,
    ArquivoRecusado,
    verificar_xlsx,
)

LIMITE = 20 * MB


def _xlsx_valido(linhas: int = 3) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CPF", "Nome", "Valor"])
    for i in range(linhas):
        ws.append([f"{i:011d}", f"Cliente {i}", i * 1.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _reempacotar(
    original: bytes,
    *,
    trocar: dict[str, bytes] | None = None,
    acrescentar: dict[str, bytes] | None = None,
    remover: tuple[str, ...] = (),
) -> bytes:
    trocar = trocar or {}
    saida = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as entrada,
        zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for info in entrada.infolist():
            if info.filename in remover:
                continue
            zf.writestr(info.filename, trocar.get(info.filename, entrada.read(info)))
        for nome, dados in (acrescentar or {}).items():
            zf.writestr(nome, dados)
    return saida.getvalue()


def _recusa(conteudo: bytes | Path, **limites: int) -> ArquivoRecusado:
    arquivo = conteudo if isinstance(conteudo, Path) else io.BytesIO(conteudo)
    limites.setdefault("tamanho_maximo", LIMITE)
    with pytest.raises(ArquivoRecusado) as erro:
        verificar_xlsx(arquivo, **limites)
    assert str(erro.value) == erro.value.mensagem
    return erro.value


# ---------------------------------------------------------------------------------------------
# Arquivos legítimos
# ---------------------------------------------------------------------------------------------


def test_xlsx_do_openpyxl_passa_e_volta_ao_inicio() -> None:
    arquivo = io.BytesIO(_xlsx_valido())
    arquivo.seek(123)
    verificar_xlsx(arquivo, tamanho_maximo=LIMITE)
    assert arquivo.tell() == 0
    assert openpyxl.load_workbook(arquivo).active["B2"].value == "Cliente 0"


def test_xlsx_write_only_grande_passa(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Clientes")
    ws.append(["Código", "Nome", "Valor"])
    for i in range(100_000):
        ws.append([i, f"Cliente {i}", i / 100])
    destino = tmp_path / "grande.xlsx"
    wb.save(destino)

    verificar_xlsx(destino, tamanho_maximo=LIMITE)
    verificar_xlsx(str(destino), tamanho_maximo=LIMITE)


def test_xlsx_com_partes_em_utf16_sem_dtd_passa() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><sst count="0" uniqueCount="0"/>'
    conteudo = _reempacotar(_xlsx_valido(), acrescentar={"xl/extra.xml": xml.encode("utf-16")})
    verificar_xlsx(io.BytesIO(conteudo), tamanho_maximo=LIMITE)


# ---------------------------------------------------------------------------------------------
# Tamanho e formato
# ---------------------------------------------------------------------------------------------


class _ContaLeituras(io.BytesIO):
    bytes_lidos = 0

    def read(self, n: int | None = -1, /) -> bytes:
        dados = super().read(n)
        self.bytes_lidos += len(dados)
        return dados


def test_arquivo_acima_do_limite_e_recusado_sem_ser_lido() -> None:
    arquivo = _ContaLeituras(b"\0" * (LIMITE + 1))
    with pytest.raises(ArquivoRecusado) as erro:
        verificar_xlsx(arquivo, tamanho_maximo=LIMITE)
    assert erro.value.mensagem == "O arquivo excede o tamanho máximo de 20 MB."
    assert erro.value.motivo == "tamanho"
    assert arquivo.bytes_lidos == 0


def test_limite_fracionario_na_mensagem() -> None:
    erro = _recusa(b"x" * (3 * MB), tamanho_maximo=int(2.5 * MB))
    assert erro.mensagem == "O arquivo excede o tamanho máximo de 2,5 MB."


@pytest.mark.parametrize(
    "conteudo",
    [
        b"cpf;nome;valor\r\n12345678909;Maria;10,50\r\n",
        b"Relatorio de vendas\njaneiro\n",
        b"PK\x03\x04 mas nao e zip",
        b"",
        b"<?xml version='1.0'?><workbook/>",
    ],
    ids=["csv", "txt", "assinatura-zip-falsa", "vazio", "xml-solto"],
)
def test_conteudo_que_nao_e_xlsx(conteudo: bytes) -> None:
    erro = _recusa(conteudo)
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_INVALIDO, "formato")


def test_zip_sem_as_partes_de_planilha() -> None:
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w") as zf:
        zf.writestr("documento.txt", "oi")
    assert _recusa(saida.getvalue()).mensagem == MENSAGEM_INVALIDO
    sem_workbook = _reempacotar(_xlsx_valido(), remover=("xl/workbook.xml",))
    assert _recusa(sem_workbook).mensagem == MENSAGEM_INVALIDO


def test_metodo_de_compressao_exotico() -> None:
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w") as zf:
        for info in zipfile.ZipFile(io.BytesIO(_xlsx_valido())).infolist():
            zf.writestr(info.filename, b"<x/>", compress_type=zipfile.ZIP_BZIP2)
    assert _recusa(saida.getvalue()).mensagem == MENSAGEM_INVALIDO


def test_xls_antigo_pelo_cabecalho_ole() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
    erro = _recusa(ole)
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_XLS, "xls")


# ---------------------------------------------------------------------------------------------
# Macros
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nome", ["xl/vbaProject.bin", "outra/pasta/VBAPROJECT.BIN"])
def test_macros_por_nome_da_parte(nome: str) -> None:
    erro = _recusa(_reempacotar(_xlsx_valido(), acrescentar={nome: b"\xcc" * 100}))
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_MACRO, "macro")


def test_macros_pelo_content_type() -> None:
    original = _xlsx_valido()
    tipos = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    tipos = tipos.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert b"macroEnabled" in tipos
    erro = _recusa(_reempacotar(original, trocar={"[Content_Types].xml": tipos}))
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_MACRO, "macro")


# ---------------------------------------------------------------------------------------------
# Bombas de compactação
# ---------------------------------------------------------------------------------------------


def _partes_minimas(zf: zipfile.ZipFile) -> None:
    with zipfile.ZipFile(io.BytesIO(_xlsx_valido())) as valido:
        for info in valido.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, valido.read(info))


def test_bomba_de_300_mb_de_zeros(tmp_path: Path) -> None:
    destino = tmp_path / "bomba.xlsx"
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _partes_minimas(zf)
        # Em blocos: o teste nunca tem os 300 MB na memória.
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as parte:
            zeros = bytes(MB)
            for _ in range(300):
                parte.write(zeros)
    assert destino.stat().st_size < MB
    info = zipfile.ZipFile(destino).getinfo("xl/worksheets/sheet1.xml")

    erro = _recusa(destino)

    taxa = info.file_size // info.compress_size
    assert taxa > 900
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_BOMBA.format(taxa=taxa), "bomba")


def test_muitas_partes_pequenas_com_taxa_alta_no_total() -> None:
    # Cada parte fica abaixo de 1 MB (fora da conta individual), mas o conjunto é uma bomba.
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as zf:
        _partes_minimas(zf)
        zf.writestr("xl/worksheets/sheet1.xml", b"<a/>")
        for i in range(40):
            zf.writestr(f"xl/media/parte{i}.xml", bytes(MB - 1))
    erro = _recusa(saida.getvalue())
    assert erro.motivo == "bomba"
    assert erro.mensagem.startswith("O arquivo parece ser uma bomba de compactação (taxa 1:")


def test_total_descompactado_acima_do_limite() -> None:
    # Sem compressão (taxa 1:1): só o limite de tamanho descompactado pega.
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_STORED) as zf:
        _partes_minimas(zf)
        zf.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>" + b" " * (3 * MB))
    erro = _recusa(saida.getvalue(), descompactado_maximo=2 * MB)
    assert erro.mensagem == MENSAGEM_DESCOMPACTADO.format(mb="2")
    assert erro.mensagem == "O arquivo descompactado ultrapassaria 2 MB e foi recusado."


def test_partes_demais() -> None:
    conteudo = _reempacotar(
        _xlsx_valido(), acrescentar={f"xl/lixo/{i}.bin": b"" for i in range(60)}
    )
    total = len(zipfile.ZipFile(io.BytesIO(conteudo)).infolist())
    erro = _recusa(conteudo, maximo_partes=50)
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_PARTES.format(n=total), "bomba")


# ---------------------------------------------------------------------------------------------
# Cabeçalhos que mentem
# ---------------------------------------------------------------------------------------------


def _entrada_central(conteudo: bytearray, nome: str) -> int:
    """Posição da entrada de `nome` no diretório central (o nome fica 46 bytes após o início)."""
    posicao = conteudo.find(b"PK\x01\x02")
    while conteudo[posicao + 46 : posicao + 46 + len(nome)] != nome.encode():
        posicao = conteudo.find(b"PK\x01\x02", posicao + 4)
        assert posicao > 0
    return posicao


def _cabecalho_mentiroso(declarado: int) -> tuple[bytes, bytes]:
    """Zip cuja parte xl/sharedStrings.xml declara `declarado` bytes mas infla ~2 MB.

    Como foi montado: gravamos a parte normalmente e depois remendamos os campos de tamanho
    descompactado e CRC nos dois lugares onde o zip os guarda: no cabeçalho local (assinatura
    PK\\x03\\x04; CRC no byte 14, tamanho descompactado no byte 22) e na entrada do diretório
    central (assinatura PK\\x01\\x02 seguida, 46 bytes depois, do nome; CRC no byte 16, tamanho
    descompactado no byte 24). O CRC passa a ser o dos primeiros `declarado` bytes, que é o
    que o zipfile confere depois de cortar a saída no tamanho declarado.
    """
    nome = "xl/sharedStrings.xml"
    real = b"<sst>" + b"<si><t>repetido</t></si>" * 90_000 + b"</sst>"
    conteudo = bytearray(_reempacotar(_xlsx_valido(), acrescentar={nome: real}))
    info = zipfile.ZipFile(io.BytesIO(bytes(conteudo))).getinfo(nome)
    assert info.file_size == len(real)
    crc_falso = zlib.crc32(real[:declarado])

    local = info.header_offset
    assert conteudo[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<L", conteudo, local + 14, crc_falso)
    struct.pack_into("<L", conteudo, local + 22, declarado)

    central = _entrada_central(conteudo, nome)
    struct.pack_into("<L", conteudo, central + 16, crc_falso)
    struct.pack_into("<L", conteudo, central + 24, declarado)
    return bytes(conteudo), real[:declarado]


def test_parte_que_infla_alem_do_declarado() -> None:
    conteudo, prefixo = _cabecalho_mentiroso(declarado=1000)
    # O zipfile confia no cabeçalho: corta em 1000 bytes e não percebe nada. É por isso que
    # a triagem descompacta por conta própria.
    assert zipfile.ZipFile(io.BytesIO(conteudo)).read("xl/sharedStrings.xml") == prefixo

    erro = _recusa(conteudo)
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_ADULTERADO, "adulterado")


def test_cabecalho_local_diverge_do_diretorio_central() -> None:
    conteudo = bytearray(_xlsx_valido())
    info = zipfile.ZipFile(io.BytesIO(bytes(conteudo))).getinfo("xl/workbook.xml")
    # Só o cabeçalho local muda: leitores em fluxo veriam outro tamanho que o zipfile.
    struct.pack_into("<L", conteudo, info.header_offset + 22, info.file_size + 1)
    erro = _recusa(bytes(conteudo))
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_ADULTERADO, "adulterado")


def test_crc_errado() -> None:
    conteudo = bytearray(_xlsx_valido())
    info = zipfile.ZipFile(io.BytesIO(bytes(conteudo))).getinfo("xl/workbook.xml")
    struct.pack_into("<L", conteudo, info.header_offset + 14, info.CRC ^ 1)
    struct.pack_into("<L", conteudo, _entrada_central(conteudo, info.filename) + 16, info.CRC ^ 1)
    erro = _recusa(bytes(conteudo))
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_ADULTERADO, "adulterado")


def test_parte_que_infla_menos_que_o_declarado() -> None:
    conteudo = bytearray(_xlsx_valido())
    info = zipfile.ZipFile(io.BytesIO(bytes(conteudo))).getinfo("xl/workbook.xml")
    struct.pack_into("<L", conteudo, info.header_offset + 22, info.file_size + 10)
    struct.pack_into(
        "<L", conteudo, _entrada_central(conteudo, info.filename) + 24, info.file_size + 10
    )
    assert _recusa(bytes(conteudo)).motivo == "adulterado"


# ---------------------------------------------------------------------------------------------
# Entidades XML
# ---------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE sst [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"
 uniqueCount="1"><si><t>&lol9;</t></si></sst>
"""


def test_billion_laughs_em_shared_strings() -> None:
    conteudo = _reempacotar(_xlsx_valido(), acrescentar={"xl/sharedStrings.xml": BILLION_LAUGHS})
    erro = _recusa(conteudo)
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_DTD, "dtd")


def test_entidade_externa_no_workbook() -> None:
    original = _xlsx_valido()
    workbook = zipfile.ZipFile(io.BytesIO(original)).read("xl/workbook.xml")
    corpo = workbook.split(b"?>", 1)[1] if workbook.startswith(b"<?xml") else workbook
    xxe = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + corpo
    )
    erro = _recusa(_reempacotar(original, trocar={"xl/workbook.xml": xxe}))
    assert (erro.mensagem, erro.motivo) == (MENSAGEM_DTD, "dtd")


def test_dtd_em_utf16_nao_escapa() -> None:
    # Em UTF-16 cada letra de "<!DOCTYPE" vem intercalada com um byte nulo.
    xml = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    for codificado in (xml.encode("utf-16"), xml.encode("utf-16-le"), xml.encode("utf-16-be")):
        conteudo = _reempacotar(_xlsx_valido(), acrescentar={"xl/sharedStrings.xml": codificado})
        assert _recusa(conteudo).motivo == "dtd"


def test_dtd_empurrado_para_longe_do_inicio() -> None:
    # Prólogo inflado com um comentário de 3 MB: o DOCTYPE cai em outro bloco de leitura.
    # Conteúdo aleatório, para a taxa de compressão não disparar antes a regra da bomba.
    enchimento = os.urandom(3 * MB // 2).hex().encode()
    xml = b'<?xml version="1.0"?><!--' + enchimento + b"-->" + BILLION_LAUGHS[21:]
    conteudo = _reempacotar(_xlsx_valido(), acrescentar={"xl/sharedStrings.xml": xml})
    assert _recusa(conteudo).motivo == "dtd"


def test_dtd_nos_relacionamentos() -> None:
    rels = b'<!DOCTYPE r SYSTEM "http://exemplo.invalid/x.dtd"><Relationships/>'
    conteudo = _reempacotar(_xlsx_valido(), trocar={"_rels/.rels": rels})
    assert _recusa(conteudo).motivo == "dtd"
