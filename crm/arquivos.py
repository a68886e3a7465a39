"""Triagem de planilhas enviadas por usuários, antes de qualquer parser tocar nelas.

Um .xlsx é um zip de XMLs, e tanto o zip quanto o XML têm ataques clássicos: bombas de
compactação, cabeçalhos que mentem o tamanho, entidades XML (billion laughs, XXE) e macros.
`verificar_xlsx` recusa tudo isso lendo o diretório central e descompactando cada parte com
um orçamento de bytes, em memória constante, sem extrair nada para o disco. Só depois dela o
arquivo segue para python-calamine/openpyxl.

Uso::

    try:
        verificar_xlsx(upload, tamanho_maximo=20 * MB)
    except ArquivoRecusado as erro:
        form.add_error("arquivo", erro.mensagem)
"""

from __future__ import annotations

import codecs
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_seguro

MB = 1024 * 1024

Motivo = Literal[
    "tamanho", "formato", "xls", "macro", "bomba", "adulterado", "dtd", "vazio", "tipo"
]

MENSAGEM_INVALIDO = "O arquivo não é uma planilha .xlsx válida."
MENSAGEM_XLS = (
    "O arquivo está no formato antigo do Excel (.xls) ou protegido por senha; "
    "salve-o como .xlsx, sem senha, e envie novamente."
)
MENSAGEM_MACRO = "O arquivo contém macros (vbaProject.bin) e foi recusado."
MENSAGEM_TAMANHO = "O arquivo excede o tamanho máximo de {mb} MB."
MENSAGEM_BOMBA = "O arquivo parece ser uma bomba de compactação (taxa 1:{taxa}) e foi recusado."
MENSAGEM_DESCOMPACTADO = "O arquivo descompactado ultrapassaria {mb} MB e foi recusado."
MENSAGEM_PARTES = "O arquivo tem partes internas demais ({n}) e foi recusado."
MENSAGEM_ADULTERADO = (
    "O arquivo está corrompido ou foi adulterado (o conteúdo não confere com o tamanho "
    "declarado) e foi recusado."
)
MENSAGEM_DTD = "O arquivo contém entidades XML (DTD) e foi recusado."

_ASSINATURA_ZIP = b"PK\x03\x04"
# Compound File Binary (OLE2): o .xls antigo e também o .xlsx protegido por senha, que o Excel
# guarda criptografado dentro de um contêiner OLE.
_ASSINATURA_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Partes menores que isso não entram na conta da taxa: XMLs pequenos e repetitivos comprimem
# 1:200 sem perigo algum, e mesmo 1 MB inflado não ameaça ninguém.
_MINIMO_PARA_TAXA = 1 * MB
# Uma entrada do diretório central tem 46 bytes fixos mais nome e extras; os nomes de um
# .xlsx têm poucas dezenas de caracteres. O teto limita quantos ZipInfo o zipfile cria antes
# de podermos contar as partes.
_BYTES_DIRETORIO_POR_PARTE = 300
_TAMANHO_MAXIMO_CONTENT_TYPES = 1 * MB
_BLOCO = 64 * 1024
_BLOCO_SAIDA = 1 * MB
_EXTENSOES_XML = (".xml", ".rels", ".vml")
_MARCADORES_DTD = (b"<!doctype", b"<!entity")
_MARCADORES_DTD_TEXTO = ("<!doctype", "<!entity")

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_FIM_DIRETORIO = struct.Struct("<4sHHHHLLH")
_LOCALIZADOR_ZIP64 = struct.Struct("<4sLQL")
_FIM_DIRETORIO_ZIP64 = struct.Struct("<4sQHHLLQQQQ")
_SEM_TAMANHO_32 = 0xFFFFFFFF
_FLAG_CRIPTOGRAFADO = 0x1
_FLAG_DESCRITOR_DE_DADOS = 0x8


class ArquivoRecusado(Exception):
    """Arquivo enviado recusado; `mensagem` pode ser mostrada ao usuário como está."""

    def __init__(self, mensagem: str, *, motivo: Motivo) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem
        # Para logs e métricas: a mensagem é para gente, o motivo é para máquina.
        self.motivo: Motivo = motivo


def _formatar_mb(tamanho: int) -> str:
    mb = tamanho / MB
    return str(int(mb)) if mb == int(mb) else f"{mb:.1f}".replace(".", ",")


def _invalido() -> ArquivoRecusado:
    return ArquivoRecusado(MENSAGEM_INVALIDO, motivo="formato")


def _adulterado() -> ArquivoRecusado:
    return ArquivoRecusado(MENSAGEM_ADULTERADO, motivo="adulterado")


def _bomba(descompactado: int, compactado: int) -> ArquivoRecusado:
    taxa = descompactado // max(compactado, 1)
    return ArquivoRecusado(MENSAGEM_BOMBA.format(taxa=taxa), motivo="bomba")


def verificar_xlsx(
    arquivo: BinaryIO | Path | str,
    *,
    tamanho_maximo: int,
    razao_maxima: int = 100,
    descompactado_maximo: int = 200 * MB,
    maximo_partes: int = 10_000,
) -> None:
    """Levanta `ArquivoRecusado` se `arquivo` não for um .xlsx seguro de abrir.

    `arquivo` precisa permitir seek (UploadedFile do Django permite); ao final ele volta para o
    início, pronto para o parser. Nada é descompactado antes de o diretório central passar
    pelos limites de tamanho, taxa e número de partes.
    """
    if isinstance(arquivo, str | os.PathLike):
        with open(arquivo, "rb") as aberto:
            _verificar(aberto, tamanho_maximo, razao_maxima, descompactado_maximo, maximo_partes)
        return
    try:
        _verificar(arquivo, tamanho_maximo, razao_maxima, descompactado_maximo, maximo_partes)
    finally:
        arquivo.seek(0)


def _verificar(
    arquivo: BinaryIO,
    tamanho_maximo: int,
    razao_maxima: int,
    descompactado_maximo: int,
    maximo_partes: int,
) -> None:
    tamanho = arquivo.seek(0, os.SEEK_END)
    if tamanho > tamanho_maximo:
        raise ArquivoRecusado(
            MENSAGEM_TAMANHO.format(mb=_formatar_mb(tamanho_maximo)), motivo="tamanho"
        )

    # Pelo conteúdo, não pela extensão: um CSV renomeado para .xlsx para aqui.
    arquivo.seek(0)
    assinatura = arquivo.read(len(_ASSINATURA_OLE))
    if assinatura == _ASSINATURA_OLE:
        raise ArquivoRecusado(MENSAGEM_XLS, motivo="xls")
    if not assinatura.startswith(_ASSINATURA_ZIP):
        raise _invalido()

    entradas, tamanho_diretorio = _ler_fim_do_diretorio(arquivo, tamanho)
    if entradas > maximo_partes or tamanho_diretorio > maximo_partes * _BYTES_DIRETORIO_POR_PARTE:
        raise ArquivoRecusado(MENSAGEM_PARTES.format(n=entradas), motivo="bomba")

    try:
        with zipfile.ZipFile(arquivo) as zf:
            partes = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as erro:
        raise _invalido() from erro
    if len(partes) > maximo_partes:
        raise ArquivoRecusado(MENSAGEM_PARTES.format(n=len(partes)), motivo="bomba")

    nomes = {p.filename.replace("\\", "/").lower() for p in partes}
    if any(PurePosixPath(nome).name == "vbaproject.bin" for nome in nomes):
        raise ArquivoRecusado(MENSAGEM_MACRO, motivo="macro")
    if "[content_types].xml" not in nomes or "xl/workbook.xml" not in nomes:
        raise _invalido()

    _verificar_declaracoes(partes, razao_maxima, descompactado_maximo)
    inicios = _verificar_cabecalhos_locais(arquivo, partes, tamanho)

    # [Content_Types].xml primeiro: se declarar macros, recusamos sem inflar o resto.
    partes.sort(key=lambda p: p.filename.lower() != "[content_types].xml")
    for parte in partes:
        conteudo = _inflar(arquivo, parte, inicios[id(parte)])
        if conteudo is not None:
            _verificar_content_types(conteudo)


def _ler_fim_do_diretorio(arquivo: BinaryIO, tamanho: int) -> tuple[int, int]:
    """Lê do registro final do zip o nº de partes e o tamanho do diretório central.

    Feito à mão (é um registro de 22 bytes) para limitar o nº de partes antes de o zipfile
    criar um objeto por entrada.
    """
    # O registro fica nos últimos 22 bytes, seguido de um comentário de até 64 KB.
    janela = min(tamanho, _FIM_DIRETORIO.size + 0xFFFF)
    arquivo.seek(tamanho - janela)
    cauda = arquivo.read(janela)
    posicao = cauda.rfind(b"PK\x05\x06")
    if posicao < 0 or len(cauda) - posicao < _FIM_DIRETORIO.size:
        raise _invalido()
    _, disco, disco_diretorio, _, entradas, tamanho_diretorio, deslocamento, _ = (
        _FIM_DIRETORIO.unpack_from(cauda, posicao)
    )
    if disco or disco_diretorio:
        raise _invalido()
    if entradas != 0xFFFF and _SEM_TAMANHO_32 not in (tamanho_diretorio, deslocamento):
        return entradas, tamanho_diretorio

    # ZIP64: os valores reais estão num registro apontado pelo localizador logo antes.
    inicio_fim = tamanho - janela + posicao
    if inicio_fim < _LOCALIZADOR_ZIP64.size:
        raise _invalido()
    arquivo.seek(inicio_fim - _LOCALIZADOR_ZIP64.size)
    assinatura, _, deslocamento_zip64, _ = _LOCALIZADOR_ZIP64.unpack(
        arquivo.read(_LOCALIZADOR_ZIP64.size)
    )
    if assinatura != b"PK\x06\x07" or deslocamento_zip64 + _FIM_DIRETORIO_ZIP64.size > tamanho:
        raise _invalido()
    arquivo.seek(deslocamento_zip64)
    registro = _FIM_DIRETORIO_ZIP64.unpack(arquivo.read(_FIM_DIRETORIO_ZIP64.size))
    if registro[0] != b"PK\x06\x06":
        raise _invalido()
    return registro[7], registro[8]


def _verificar_declaracoes(
    partes: list[zipfile.ZipInfo], razao_maxima: int, descompactado_maximo: int
) -> None:
    """Limites sobre os tamanhos declarados no diretório central, sem descompactar nada."""
    total_descompactado = 0
    total_compactado = 0
    for parte in partes:
        if parte.flag_bits & _FLAG_CRIPTOGRAFADO:
            raise _invalido()
        # Excel, LibreOffice e openpyxl só usam deflate e "stored"; aceitar outros métodos
        # só alargaria a superfície de ataque dos parsers.
        if parte.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _invalido()
        if (
            parte.file_size >= _MINIMO_PARA_TAXA
            and parte.file_size > razao_maxima * parte.compress_size
        ):
            raise _bomba(parte.file_size, parte.compress_size)
        total_descompactado += parte.file_size
        total_compactado += parte.compress_size
    if (
        total_descompactado >= _MINIMO_PARA_TAXA
        and total_descompactado > razao_maxima * total_compactado
    ):
        raise _bomba(total_descompactado, total_compactado)
    if total_descompactado > descompactado_maximo:
        raise ArquivoRecusado(
            MENSAGEM_DESCOMPACTADO.format(mb=_formatar_mb(descompactado_maximo)), motivo="bomba"
        )


def _tamanhos_zip64(extra: bytes) -> list[int]:
    """Valores de 64 bits do campo extra ZIP64 (id 0x0001), na ordem em que aparecem."""
    posicao = 0
    while posicao + 4 <= len(extra):
        identificador, tamanho = struct.unpack_from("<HH", extra, posicao)
        if identificador == 0x0001:
            dados = extra[posicao + 4 : posicao + 4 + tamanho]
            return [v for (v,) in struct.iter_unpack("<Q", dados[: len(dados) // 8 * 8])]
        posicao += 4 + tamanho
    return []


def _verificar_cabecalhos_locais(
    arquivo: BinaryIO, partes: list[zipfile.ZipInfo], tamanho: int
) -> dict[int, int]:
    """Confere cada cabeçalho local com o diretório central; devolve onde começam os dados.

    O zipfile confia só no diretório central, mas leitores em fluxo confiam no cabeçalho
    local: se os dois divergem, cada parser vê um arquivo diferente, e esse é o truque para
    esconder conteúdo de uma triagem como esta. Partes sobrepostas são a base das bombas
    não recursivas (vários nomes apontando para os mesmos dados comprimidos).
    """
    inicios: dict[int, int] = {}
    limite_anterior = 0
    for parte in sorted(partes, key=lambda p: p.header_offset):
        if parte.header_offset < limite_anterior:
            raise _adulterado()
        arquivo.seek(parte.header_offset)
        cabecalho = arquivo.read(_LOCAL.size)
        if len(cabecalho) < _LOCAL.size:
            raise _invalido()
        (assinatura, _, flags, metodo, _, _, crc, compactado, descompactado, n_nome, n_extra) = (
            _LOCAL.unpack(cabecalho)
        )
        if assinatura != _ASSINATURA_ZIP:
            raise _invalido()
        extra = arquivo.read(n_nome + n_extra)[n_nome:]
        if metodo != parte.compress_type:
            raise _adulterado()
        if not flags & _FLAG_DESCRITOR_DE_DADOS:
            # Com descritor de dados o cabeçalho local traz zeros e os valores vêm depois dos
            # dados; sem ele, precisam bater com o diretório central.
            if _SEM_TAMANHO_32 in (compactado, descompactado):
                valores = iter(_tamanhos_zip64(extra))
                if descompactado == _SEM_TAMANHO_32:
                    descompactado = next(valores, -1)
                if compactado == _SEM_TAMANHO_32:
                    compactado = next(valores, -1)
            if (crc, compactado, descompactado) != (
                parte.CRC,
                parte.compress_size,
                parte.file_size,
            ):
                raise _adulterado()
        inicio = parte.header_offset + _LOCAL.size + n_nome + n_extra
        limite_anterior = inicio + parte.compress_size
        if limite_anterior > tamanho:
            raise _invalido()
        inicios[id(parte)] = inicio
    return inicios


class _DetectorDtd:
    """Procura <!DOCTYPE/<!ENTITY num fluxo XML, bloco a bloco, em qualquer codificação.

    OOXML nunca usa DTD, então a simples presença basta para recusar. A busca cobre a parte
    inteira (não só o prólogo), pois o prólogo pode ser inflado com espaços ou comentários para
    empurrar o DOCTYPE para longe. UTF-16 é decodificado antes da busca: senão "<!DOCTYPE"
    passaria intercalado com bytes nulos.
    """

    def __init__(self) -> None:
        self._inicio = b""
        self._analisar: Callable[[bytes], None] | None = None
        self._resto_bytes = b""
        self._resto_texto = ""
        self._decodificador: codecs.IncrementalDecoder | None = None

    def alimentar(self, dados: bytes) -> None:
        if self._analisar is None:
            self._inicio += dados
            if len(self._inicio) < 4:
                return
            self._escolher_codificacao()
            dados, self._inicio = self._inicio, b""
        assert self._analisar is not None
        self._analisar(dados)

    def terminar(self) -> None:
        if self._analisar is None and self._inicio:
            self._escolher_codificacao()
            assert self._analisar is not None
            self._analisar(self._inicio)
        if self._decodificador is not None:
            self._analisar_texto_decodificado(self._decodificador.decode(b"", final=True))

    def _escolher_codificacao(self) -> None:
        # Detecção pelos primeiros bytes, como no apêndice F da especificação XML.
        inicio = self._inicio[:4]
        if inicio.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            # Nem o expat lê UTF-32: nenhum parser aceitaria esta parte.
            raise _invalido()
        if inicio.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            codificacao = "utf-16"
        elif len(inicio) >= 2 and inicio[0] == 0 and inicio[1] != 0:
            codificacao = "utf-16-be"
        elif len(inicio) >= 2 and inicio[0] != 0 and inicio[1] == 0:
            codificacao = "utf-16-le"
        else:
            # UTF-8 e as codificações de 1 byte compatíveis com ASCII: "<!DOCTYPE" tem os
            # mesmos bytes em todas, então não é preciso decodificar.
            self._analisar = self._analisar_bytes
            return
        self._decodificador = codecs.getincrementaldecoder(codificacao)(errors="strict")
        self._analisar = self._analisar_texto

    def _analisar_bytes(self, dados: bytes) -> None:
        janela = self._resto_bytes + dados.lower()
        if any(marcador in janela for marcador in _MARCADORES_DTD):
            raise ArquivoRecusado(MENSAGEM_DTD, motivo="dtd")
        # Guarda o fim do bloco para achar um marcador partido entre dois blocos.
        self._resto_bytes = janela[-(len(_MARCADORES_DTD[0]) - 1) :]

    def _analisar_texto(self, dados: bytes) -> None:
        assert self._decodificador is not None
        try:
            texto = self._decodificador.decode(dados)
        except UnicodeDecodeError as erro:
            raise _invalido() from erro
        self._analisar_texto_decodificado(texto)

    def _analisar_texto_decodificado(self, texto: str) -> None:
        janela = self._resto_texto + texto.lower()
        if any(marcador in janela for marcador in _MARCADORES_DTD_TEXTO):
            raise ArquivoRecusado(MENSAGEM_DTD, motivo="dtd")
        self._resto_texto = janela[-(len(_MARCADORES_DTD_TEXTO[0]) - 1) :]


def _inflar(arquivo: BinaryIO, parte: zipfile.ZipInfo, inicio: int) -> bytes | None:
    """Descompacta a parte com orçamento = tamanho declarado; devolve [Content_Types].xml.

    Descompactamos com zlib direto em vez de `ZipFile.open`: o zipfile corta a saída no
    tamanho declarado sem avisar, então uma parte que infla além do declarado (com o CRC
    forjado para o trecho cortado) passaria por ele, mas estouraria em outro parser que
    confia no fluxo deflate. Aqui cada chamada produz no máximo o que ainda cabe no
    orçamento + 1 byte, e esse byte a mais já basta para recusar.
    """
    nome = parte.filename.lower()
    detector = _DetectorDtd() if nome.endswith(_EXTENSOES_XML) else None
    guardar = nome == "[content_types].xml"
    if guardar and parte.file_size > _TAMANHO_MAXIMO_CONTENT_TYPES:
        raise _invalido()
    guardado: list[bytes] = []
    orcamento = parte.file_size
    produzido = 0
    crc = 0

    def consumir(saida: bytes) -> None:
        nonlocal produzido, crc
        produzido += len(saida)
        if produzido > orcamento:
            raise _adulterado()
        crc = zlib.crc32(saida, crc)
        if detector is not None:
            detector.alimentar(saida)
        if guardar:
            guardado.append(saida)

    descompactador = (
        zlib.decompressobj(-zlib.MAX_WBITS) if parte.compress_type == zipfile.ZIP_DEFLATED else None
    )
    arquivo.seek(inicio)
    restante = parte.compress_size
    while restante > 0:
        bloco = arquivo.read(min(_BLOCO, restante))
        if not bloco:
            raise _invalido()
        restante -= len(bloco)
        if descompactador is None:
            consumir(bloco)
            continue
        pendente = bloco
        while not descompactador.eof:
            # Limite por chamada: um bloco de 64 KB de zeros vira 64 MB de saída de uma vez.
            limite = min(orcamento - produzido + 1, _BLOCO_SAIDA)
            try:
                saida = descompactador.decompress(pendente, limite)
            except zlib.error as erro:
                raise _invalido() from erro
            consumir(saida)
            pendente = descompactador.unconsumed_tail
            # Saída do tamanho do limite: pode haver mais guardado no descompactador mesmo
            # sem entrada pendente.
            if not pendente and len(saida) < limite:
                break
        if descompactador.eof:
            break

    if descompactador is not None and not descompactador.eof:
        raise _invalido()
    if produzido != orcamento or crc != parte.CRC:
        raise _adulterado()
    if detector is not None:
        detector.terminar()
    return b"".join(guardado) if guardar else None


def _verificar_content_types(conteudo: bytes) -> None:
    # .xlsm e afins declaram o tipo "macroEnabled" mesmo que o vbaProject.bin tenha outro nome.
    try:
        raiz = xml_seguro(conteudo, forbid_dtd=True)
    except DefusedXmlException as erro:
        raise ArquivoRecusado(MENSAGEM_DTD, motivo="dtd") from erro
    except ParseError as erro:
        raise _invalido() from erro
    for elemento in raiz.iter():
        tipo = (elemento.get("ContentType") or "").lower()
        if "macroenabled" in tipo or "vbaproject" in tipo:
            raise ArquivoRecusado(MENSAGEM_MACRO, motivo="macro")


# --- attachments (products, orders): the extension says what the file claims to be; the first
# bytes must agree; an .xlsx goes through the spreadsheet guard above -------------------------

TIPOS_ANEXO: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".webp": ("image/webp", (b"RIFF",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
}


def verificar_anexo(arquivo: BinaryIO, nome: str, tamanho: int, *, maximo: int) -> tuple[str, str]:
    """(name to keep, content type) of an acceptable attachment, else ArquivoRecusado with a
    pt-BR message. The ONE check of every upload of attachments."""
    if not tamanho:
        raise ArquivoRecusado("O arquivo está vazio.", motivo="vazio")
    if tamanho > maximo:
        raise ArquivoRecusado(
            f"O arquivo excede o tamanho máximo de {maximo // (1024 * 1024)} MB "
            f"({_formatar_mb(tamanho)}).",
            motivo="tamanho",
        )
    nome = Path(nome or "").name[:255]
    extensao = Path(nome).suffix.lower()
    if extensao not in TIPOS_ANEXO:
        aceitos = ", ".join(sorted(e.lstrip(".") for e in TIPOS_ANEXO))
        raise ArquivoRecusado(f"Tipo de arquivo não aceito. Envie: {aceitos}.", motivo="tipo")
    tipo, assinaturas = TIPOS_ANEXO[extensao]
    arquivo.seek(0)
    inicio = arquivo.read(16)
    arquivo.seek(0)
    if (assinaturas and not any(inicio.startswith(a) for a in assinaturas)) or (
        not assinaturas and b"\x00" in inicio
    ):
        raise ArquivoRecusado(
            "O conteúdo do arquivo não corresponde à extensão.", motivo="adulterado"
        )
    if extensao == ".xlsx":
        verificar_xlsx(arquivo, tamanho_maximo=maximo)
    return nome, tipo
