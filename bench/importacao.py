"""Benchmark of the client import (issue 4): ours vs django-import-export and a floor.

How to run (NOT a test; 20-40 minutes, mostly django-import-export)::

    psql -h 127.0.0.1 -U postgres -c "create database crm_bench_imp"        # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_imp \\
        .venv/bin/python bench/importacao.py [--tamanhos 20000,100000] [--caminhos a,b,c,d]

The database must be a bench database of its own (its name must contain "bench"): the script
migrates it and TRUNCATEs the client tables between runs.

Files (written like Excel writes them: shared strings, date cells), in BENCH_PASTA
(default /tmp/bench_importacao), 25 columns that a client export of an ERP typically has
(identification, name, birth date, sex, status, credit limit, profession, a full address with
municipality, landline + mobile, e-mail, two consent flags), 80% people / 20% companies:
- "limpo": N valid clients;
- "ruim": the same N rows with 5% of them bad — 3% with invalid values (CPF check digit, date,
  e-mail, unknown origin) and 2% repeating an earlier client of the file (with/without mask).

Paths, each run in a fresh Python process (its peak RSS is the "pico" column), timed from the
file on disk to the data committed, with the same validation (`ImportacaoClientes.validar`,
plus the same first-valid-row-wins rule for repeated clients) and the same writes (client,
address, phones, e-mail, consents, timeline event and field history for every record):
  (a) django-import-export 4, `ModelResource` with its defaults (tablib/openpyxl read, one
      instance lookup and one save per row, ForeignKeyWidget by code, children created in
      `after_save_instance`), inside a pghistory context (history by the triggers);
  (b) the same resource in bulk mode as its docs recommend (use_bulk, batch_size=1000,
      skip_diff, CachedInstanceLoader; children bulk-created after each bulk_create);
  (c) the floor: python-calamine parse + validation + raw COPY of the same rows into the same
      tables (ids reserved from the sequences, history rows COPYed too), one transaction, no
      lookups of existing clients (empty database), no job bookkeeping;
  (d) ours: `importacao_criar` + `importacao_processar`, the real job as a worker runs it
      (hostile-file check, stored file, batches, history, events, counters, error rows).
"comandos" counts every statement and COPY the process sends (psycopg level).

Goals for (d) (issue 4): ≥ 25× (a) and ≥ 8× (b) in rows/s; ≥ 60% of the floor's rows/s;
100.000 rows ≤ 10 s with peak ≤ 350 MB; re-import (all updates) ≥ 80% of the insert speed with
≤ 0,01 statements per row; the 5%-bad file ≥ 90% of the clean file's speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")
PASTA = Path(os.environ.get("BENCH_PASTA", "/tmp/bench_importacao"))

COLUNAS = [
    "CPF/CNPJ", "Código externo", "Origem", "Estrangeiro", "Tipo de cliente",
    "Nome / Razão social", "Nome fantasia", "Data de nascimento / fundação", "Sexo", "Status",
    "Limite de crédito", "Profissão / atividade", "CEP", "Logradouro", "Número", "Complemento",
    "Bairro", "Município", "UF", "Telefone", "Celular", "E-mail", "Aceita e-mail",
    "Aceita SMS/WhatsApp", "Crediário",
]  # fmt: skip
MUNICIPIOS = [
    ("São Paulo", "SP", "01310100"), ("Campinas", "SP", "13010001"),
    ("Rio de Janeiro", "RJ", "20040002"), ("Belo Horizonte", "MG", "30130000"),
    ("Curitiba", "PR", "80010000"), ("Porto Alegre", "RS", "90010000"),
    ("Salvador", "BA", "40010000"), ("Recife", "PE", "50010000"),
    ("Fortaleza", "CE", "60010000"), ("Goiânia", "GO", "74003010"),
    ("Florianópolis", "SC", "88010000"), ("Manaus", "AM", "69005000"),
]  # fmt: skip
NOMES = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Hugo", "Isabel",
         "João", "Larissa", "Marcos", "Natália", "Otávio", "Paula", "Renato"]  # fmt: skip
SOBRENOMES = ["Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Costa", "Almeida",
              "Ferreira", "Rodrigues", "Gomes", "Martins"]  # fmt: skip
PROFISSOES = ["Engenheiro", "Médica", "Professora", "Comerciante", "Advogado", "Analista", ""]
RUAS = ["Rua das Flores", "Avenida Brasil", "Rua XV de Novembro", "Avenida Paulista",
        "Rua Sete de Setembro", "Travessa do Comércio", "Alameda Santos"]  # fmt: skip


# --- files -----------------------------------------------------------------------------------


def _cpf(n: int) -> str:
    from crm.documentos import gerar_cpf

    return gerar_cpf(100_000_000 + n)


def _cnpj(n: int) -> str:
    from crm.documentos import gerar_cnpj

    return gerar_cnpj(10_000_000 + n)


def linhas(n: int, variante: str) -> Iterator[list[Any]]:
    """Rows of the bench file; "ruim" spoils 5% of them (3% bad values, 2% repeated clients)."""
    aleatorio = random.Random(4)
    for i in range(n):
        juridica = i % 5 == 4
        documento = _cnpj(i) if juridica else _cpf(i)
        municipio, uf, cep = MUNICIPIOS[i % len(MUNICIPIOS)]
        nome = (
            f"{aleatorio.choice(SOBRENOMES)} {aleatorio.choice(SOBRENOMES)} Comércio Ltda {i}"
            if juridica
            else f"{aleatorio.choice(NOMES)} {aleatorio.choice(SOBRENOMES)} {aleatorio.choice(SOBRENOMES)}"  # noqa: E501
        )
        linha: list[Any] = [
            documento, f"ERP-{i:07d}", "ERP", "Não", "REV" if juridica else "CF", nome,
            f"Loja {i}" if juridica else "",
            dt.date(1950, 1, 1) + dt.timedelta(days=aleatorio.randint(0, 20_000)),
            "" if juridica else aleatorio.choice(["Masculino", "Feminino"]), "ATIVO",
            round(aleatorio.randint(0, 50_000) + aleatorio.randint(0, 99) / 100, 2),
            "" if juridica else aleatorio.choice(PROFISSOES), cep, aleatorio.choice(RUAS),
            str(aleatorio.randint(1, 3000)), aleatorio.choice(["", "Apto 12", "Sala 3", "Casa 2"]),
            "Centro", municipio, uf, f"{11 + i % 80}3{i % 10_000_000:07d}",
            f"{11 + i % 80}9{(i * 7) % 100_000_000:08d}", f"cliente{i}@exemplo.com.br",
            aleatorio.choice(["Sim", "Não", ""]), aleatorio.choice(["Sim", "Não", ""]),
            aleatorio.choice(["Sim", "Não"]),
        ]  # fmt: skip
        if variante == "ruim" and i % 100 < 5:
            estrago = i % 100
            if estrago == 0:
                linha[0] = documento[:-1] + str((int(documento[-1]) + 1) % 10)  # check digit
            elif estrago == 1:
                linha[7] = "31/02/1990"
            elif estrago == 2:
                linha[21] = "sem-arroba.exemplo.com.br"
            elif estrago == 3 and i > 10:
                anterior = _cnpj(i - 4) if (i - 4) % 5 == 4 else _cpf(i - 4)  # repeated, masked
                linha[0] = (
                    f"{anterior[:3]}.{anterior[3:6]}.{anterior[6:9]}-{anterior[9:]}"
                    if len(anterior) == 11
                    else anterior
                )
            else:
                linha[1] = f"ERP-{i - 2:07d}"  # repeated external code of an earlier row
        yield linha


def _coluna(i: int) -> str:
    texto = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        texto = chr(65 + r) + texto
    return texto


def escrever_xlsx(caminho: Path, cabecalho: list[str], corpo: Iterable[list[Any]]) -> None:
    """A minimal .xlsx the way Excel saves one: shared strings, numbers, date cells."""
    indices: dict[str, int] = {}
    textos: list[str] = []
    letras = [_coluna(i) for i in range(len(cabecalho))]
    base = dt.date(1899, 12, 30)

    def indice(texto: str) -> int:
        if texto not in indices:
            indices[texto] = len(textos)
            textos.append(texto)
        return indices[texto]

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(caminho, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as folha:
            folha.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'.encode()
            )
            pedaco: list[str] = []
            for r, linha in enumerate([cabecalho, *corpo], start=1):
                partes = [f'<row r="{r}">']
                for letra, valor in zip(letras, linha, strict=False):
                    if valor is None or valor == "":
                        continue
                    ref = f"{letra}{r}"
                    if isinstance(valor, int | float):
                        partes.append(f'<c r="{ref}"><v>{valor}</v></c>')
                    elif isinstance(valor, dt.date):
                        partes.append(f'<c r="{ref}" s="1"><v>{(valor - base).days}</v></c>')
                    else:
                        partes.append(f'<c r="{ref}" t="s"><v>{indice(str(valor))}</v></c>')
                partes.append("</row>")
                pedaco.append("".join(partes))
                if len(pedaco) >= 2000:
                    folha.write("".join(pedaco).encode())
                    pedaco = []
            folha.write(("".join(pedaco) + "</sheetData></worksheet>").encode())
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            sst.write(
                f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} uniqueCount="{len(textos)}">'.encode()  # noqa: E501
            )
            for i in range(0, len(textos), 5000):
                sst.write(
                    "".join(f"<si><t>{escape(t)}</t></si>" for t in textos[i : i + 5000]).encode()
                )
            sst.write(b"</sst>")
        tipos = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'  # noqa: E501
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{tipos}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{tipos}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{tipos}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{tipos}.sharedStrings+xml"/></Types>',  # noqa: E501
        )  # fmt: skip
        rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
        )  # fmt: skip
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rels}"><sheets>'
            '<sheet name="Clientes" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rels}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',  # noqa: E501
        )  # fmt: skip
        zf.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><fonts count="1"><font><sz val="11"/>'  # noqa: E501
            '<name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/>'  # noqa: E501
            '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" '  # noqa: E501
            'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" '  # noqa: E501
            'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" '
            'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
        )  # fmt: skip


def arquivo(n: int, variante: str) -> Path:
    PASTA.mkdir(parents=True, exist_ok=True)
    caminho = PASTA / f"clientes_{n}_{variante}.xlsx"
    if not caminho.exists():
        temporario = caminho.with_suffix(".tmp")
        escrever_xlsx(temporario, COLUNAS, linhas(n, variante))
        temporario.rename(caminho)
    return caminho


# --- counting statements ---------------------------------------------------------------------


class Contador:
    """Counts every statement and COPY sent through psycopg (Django's and raw ones)."""

    def __init__(self) -> None:
        import psycopg

        self.total = 0
        contador = self
        for nome in ("execute", "executemany", "copy"):
            original = getattr(psycopg.Cursor, nome)

            def embrulho(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                contador.total += 1
                return _original(*args, **kwargs)

            setattr(psycopg.Cursor, nome, embrulho)


# --- shared by the comparison paths ---------------------------------------------------------


class Validador:
    """`ImportacaoClientes.validar` + the first-valid-row-wins rule, for the paths (a)-(c)."""

    def __init__(self, cabecalho: list[Any]) -> None:
        from importacoes.leitura import casar_cabecalho
        from importacoes.tipos import obter_tipo

        self.tipo = obter_tipo("clientes")
        self.ctx = self.tipo.preparar(None)
        self.indices = list(casar_cabecalho(cabecalho, self.tipo.colunas).indices.items())
        self.vistos: set[Any] = set()
        self.rejeitadas = 0

    def validar(self, celulas: list[Any] | tuple[Any, ...], linha: int) -> Any:
        valores = {
            c: celulas[i] for c, i in self.indices
            if i < len(celulas) and celulas[i] not in ("", None)
        }  # fmt: skip
        registro, _erros = self.tipo.validar(valores, self.ctx, linha)
        if registro is not None:
            chaves = [c.valor for c in self.tipo.chaves(registro)]
            if any(c in self.vistos for c in chaves):
                registro = None
            else:
                self.vistos.update(chaves)
        if registro is None:
            self.rejeitadas += 1
        return registro


def _valores_cliente(registro: Any, status_padrao: int) -> dict[str, Any]:
    """Model column → value of a new client, as our INSERT computes them (same defaults)."""
    from cadastro.importacao import COLUNAS_STAGING

    s = dict(zip(COLUNAS_STAGING, registro.cliente, strict=True))
    return {
        "tipo_pessoa": s["tipo_pessoa"], "documento": s["documento"],
        "estrangeiro": s["estrangeiro"], "tipo_cliente_id": s["tipo_cliente_id"],
        "codigo_externo": s["codigo_externo"], "origem_id": s["origem_id"], "nome": s["nome"],
        "nome_fantasia": s["nome_fantasia"] or "", "data_nascimento": s["data_nascimento"],
        "sexo": s["sexo"] or "", "profissao": s["profissao"], "time_futebol": s["time_futebol"],
        "tamanho_calcado": s["tamanho_calcado"], "conjuge_nascimento": s["conjuge_nascimento"],
        "status_id": s["status_id"] or status_padrao, "situacao_scpc_id": s["situacao_scpc_id"],
        "cnae": s["cnae"] or "", "categoria_fiscal_id": s["categoria_fiscal_id"],
        "representante_id": s["representante_id"], "carteira_id": s["carteira_id"],
        "tabela_venda_id": s["tabela_venda_id"], "limite_credito": s["limite_credito"],
        "convenio": s["convenio"] or "", "crediario": bool(s["crediario"]),
        "credito_rotativo": bool(s["credito_rotativo"]),
        "canal_preferido": s["canal_preferido"] or "", "observacoes": s["observacoes"] or "",
    }  # fmt: skip


# --- (a) and (b): django-import-export -------------------------------------------------------


def caminho_iex(caminho: Path, *, bulk: bool) -> dict[str, Any]:
    import pghistory
    import tablib
    from django.core.exceptions import ValidationError
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import CachedInstanceLoader

    from cadastro.constants import OrigemAlteracao, TipoEventoCliente
    from cadastro.models import (
        Cliente,
        ContatoEletronico,
        Endereco,
        EventoCliente,
        EventoConsentimento,
        Origem,
        StatusCliente,
        Telefone,
        TipoCliente,
    )  # fmt: skip

    dados = tablib.Dataset().load(caminho.read_bytes(), format="xlsx")
    validador = Validador(list(dados.headers))
    status_padrao = validador.ctx.status_padrao

    def filhos(cliente: Any, registro: Any) -> tuple[list[Any], ...]:
        enderecos, telefones, contatos, consentimentos = [], [], [], []
        if registro.endereco:
            _, tipo, cep, logradouro, numero, complemento, bairro, municipio, uf = registro.endereco
            enderecos.append(Endereco(cliente=cliente, tipo=tipo, cep=cep, logradouro=logradouro,
                                      numero=numero, complemento=complemento, bairro=bairro,
                                      municipio_id=municipio, uf=uf, principal=True))  # fmt: skip
        for _, tipo, ddd, numero, primeiro in registro.telefones:
            telefones.append(Telefone(cliente=cliente, tipo=tipo, ddd=ddd, numero=numero,
                                      principal=primeiro))  # fmt: skip
        for _, tipo, valor in registro.contatos:
            contatos.append(ContatoEletronico(cliente=cliente, tipo=tipo, valor=valor,
                                              principal=True))  # fmt: skip
        for _, canal, concedido in registro.consentimentos:
            consentimentos.append(EventoConsentimento(
                cliente=cliente, canal=canal, concedido=concedido,
                origem=OrigemAlteracao.IMPORTACAO, observacao="django-import-export",
            ))  # fmt: skip
        return enderecos, telefones, contatos, consentimentos

    class ClienteResource(resources.ModelResource):
        documento = fields.Field(attribute="documento", column_name="documento")
        tipo_cliente = fields.Field(
            attribute="tipo_cliente", column_name="Tipo de cliente",
            widget=widgets.ForeignKeyWidget(TipoCliente, "codigo"),
        )  # fmt: skip
        origem = fields.Field(
            attribute="origem",
            column_name="Origem",
            widget=widgets.ForeignKeyWidget(Origem, "codigo"),
        )
        status = fields.Field(
            attribute="status", column_name="Status",
            widget=widgets.ForeignKeyWidget(StatusCliente, "codigo"),
        )  # fmt: skip

        class Meta:
            model = Cliente
            import_id_fields = ("documento",)
            fields = ("documento", "tipo_cliente", "origem", "status")
            if bulk:
                use_bulk = True
                batch_size = 1000
                skip_diff = True
                instance_loader_class = CachedInstanceLoader

        def __init__(self) -> None:
            super().__init__()
            self.pendentes: list[tuple[Any, Any]] = []

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            registro = validador.validar(
                [row.get(h) for h in dados.headers], kwargs["row_number"] + 1
            )
            if registro is None:
                raise ValidationError("linha inválida")
            row["documento"] = registro.documento
            row["_registro"] = registro

        def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            super().import_instance(instance, row, **kwargs)
            for campo, valor in _valores_cliente(row["_registro"], status_padrao).items():
                setattr(instance, campo, valor)

        def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            registro = row["_registro"]
            if bulk:
                self.pendentes.append((instance, registro))
                return
            enderecos, telefones, contatos, consentimentos = filhos(instance, registro)
            for e in enderecos:
                if not Endereco.objects.filter(cliente=instance, logradouro__iexact=e.logradouro,
                                               numero=e.numero, cep=e.cep).exists():  # fmt: skip
                    e.save()
            for t in telefones:
                if not Telefone.objects.filter(
                    cliente=instance, ddd=t.ddd, numero=t.numero
                ).exists():
                    t.save()
            for c in contatos:
                if not ContatoEletronico.objects.filter(
                    cliente=instance, valor__iexact=c.valor
                ).exists():
                    c.save()
            for c in consentimentos:
                c.save()
            EventoCliente.registrar(cliente=instance, tipo=TipoEventoCliente.IMPORTADO, ator=None,
                                    descricao="Importado por django-import-export")  # fmt: skip

        def bulk_create(self, *args: Any, **kwargs: Any) -> None:
            super().bulk_create(*args, **kwargs)
            todos: list[list[Any]] = [[], [], [], []]
            eventos = []
            for instance, registro in self.pendentes:
                for lista, novos in zip(todos, filhos(instance, registro), strict=True):
                    lista.extend(novos)
                eventos.append(EventoCliente(cliente=instance, tipo=TipoEventoCliente.IMPORTADO,
                                             descricao="Importado por django-import-export"))  # fmt: skip  # noqa: E501
            for modelo, lista in zip(
                (Endereco, Telefone, ContatoEletronico, EventoConsentimento), todos, strict=True
            ):
                modelo.objects.bulk_create(lista, batch_size=1000)
            EventoCliente.objects.bulk_create(eventos, batch_size=1000)
            self.pendentes.clear()

    with pghistory.context(origem="django-import-export"):
        resultado = ClienteResource().import_data(dados, dry_run=False, raise_errors=False)
    totais = resultado.totals
    return {"linhas": len(dados), "criadas": totais.get("new", 0),
            "rejeitadas": totais.get("invalid", 0) + totais.get("error", 0)}  # fmt: skip


# --- (c) the floor --------------------------------------------------------------------------


def caminho_piso(caminho: Path) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from cadastro.constants import OrigemAlteracao, TipoEventoCliente
    from cadastro.models import Cliente, ContatoEletronico, Endereco, Telefone
    from importacoes.historico import criar_contexto, historico_de, sql_ignorar_gatilhos
    from importacoes.sql import padroes_ausentes

    livro = CalamineWorkbook.from_path(str(caminho))
    folha = livro.get_sheet_by_index(0)
    iterador = folha.iter_rows()
    validador = Validador(next(iterador))
    agora = timezone.now()
    lidas = criadas = 0

    def copiar(cursor: Any, modelo: Any, registros: list[dict[str, Any]]) -> None:
        if not registros:
            return
        colunas = list(registros[0])
        padroes = padroes_ausentes(modelo, colunas)
        nomes = [*colunas, *padroes]
        with cursor.copy(f"COPY {modelo._meta.db_table} ({', '.join(nomes)}) FROM STDIN") as cp:
            for r in registros:
                cp.write_row([*r.values(), *padroes.values()])
        historico = historico_de(modelo)
        evento = historico.tabela_evento
        cols = [*historico.colunas, "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
        with cursor.copy(f"COPY {evento} ({', '.join(cols)}) FROM STDIN") as cp:
            for r in registros:
                completo = {**padroes, **r}
                cp.write_row([*(completo[c] for c in historico.colunas), agora, "insert",
                              r["id"], contexto])  # fmt: skip

    def reservar(cursor: Any, modelo: Any, n: int) -> Iterator[int]:
        if n == 0:
            return iter(())
        tabela = modelo._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{tabela}', 'id'), "
                       f"nextval(pg_get_serial_sequence('{tabela}', 'id')) + %s - 1)", [n])  # fmt: skip  # noqa: E501
        (ultimo,) = cursor.fetchone()
        return iter(range(ultimo - n + 1, ultimo + 1))

    contexto = criar_contexto(origem="piso")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql_ignorar_gatilhos(Cliente, Endereco, Telefone, ContatoEletronico))
        lote: list[Any] = []

        def gravar() -> None:
            ids = reservar(cursor, Cliente, len(lote))
            clientes, enderecos, telefones, contatos, consentimentos, eventos = (
                [],
                [],
                [],
                [],
                [],
                [],
            )
            n_end = sum(1 for r in lote if r.endereco)
            n_tel = sum(len(r.telefones) for r in lote)
            n_ctt = sum(len(r.contatos) for r in lote)
            ids_end, ids_tel, ids_ctt = (reservar(cursor, m, k) for m, k in (
                (Endereco, n_end), (Telefone, n_tel), (ContatoEletronico, n_ctt)))  # fmt: skip
            for registro in lote:
                pk = next(ids)
                clientes.append({"id": pk, **_valores_cliente(registro, validador.ctx.status_padrao),  # noqa: E501
                                 "versao": 1, "criado_em": agora, "atualizado_em": agora})  # fmt: skip  # noqa: E501
                if registro.endereco:
                    _, tipo, cep, logr, num, compl, bairro, muni, uf = registro.endereco
                    enderecos.append({"id": next(ids_end), "cliente_id": pk, "tipo": tipo,
                                      "cep": cep, "logradouro": logr, "numero": num,
                                      "complemento": compl, "bairro": bairro, "municipio_id": muni,
                                      "uf": uf, "principal": True, "criado_em": agora})  # fmt: skip
                for _, tipo, ddd, numero, primeiro in registro.telefones:
                    telefones.append({"id": next(ids_tel), "cliente_id": pk, "tipo": tipo,
                                      "ddd": ddd, "numero": numero, "principal": primeiro,
                                      "criado_em": agora})  # fmt: skip
                for _, tipo, valor in registro.contatos:
                    contatos.append({"id": next(ids_ctt), "cliente_id": pk, "tipo": tipo,
                                     "valor": valor, "principal": True, "criado_em": agora})  # fmt: skip  # noqa: E501
                for _, canal, concedido in registro.consentimentos:
                    consentimentos.append(
                        (pk, canal, concedido, OrigemAlteracao.IMPORTACAO, "", agora)
                    )
                eventos.append((pk, TipoEventoCliente.IMPORTADO, agora, "Importado (piso)", "{}"))
            copiar(cursor, Cliente, clientes)
            copiar(cursor, Endereco, enderecos)
            copiar(cursor, Telefone, telefones)
            copiar(cursor, ContatoEletronico, contatos)
            with cursor.copy("COPY cadastro_eventoconsentimento (cliente_id, canal, concedido, "
                             "origem, observacao, quando) FROM STDIN") as cp:  # fmt: skip
                for t in consentimentos:
                    cp.write_row(t)
            with cursor.copy("COPY cadastro_eventocliente (cliente_id, tipo, quando, descricao, "
                             "dados) FROM STDIN") as cp:  # fmt: skip
                for t in eventos:
                    cp.write_row(t)
            lote.clear()

        for numero, celulas in enumerate(iterador, start=2):
            if not any(c not in ("", None) for c in celulas):
                continue
            lidas += 1
            registro = validador.validar(celulas, numero)
            if registro is not None:
                lote.append(registro)
                criadas += 1
            if len(lote) >= 5000:
                gravar()
        if lote:
            gravar()
    return {"linhas": lidas, "criadas": criadas, "rejeitadas": validador.rejeitadas}


# --- (d) ours --------------------------------------------------------------------------------


def caminho_nosso(caminho: Path) -> dict[str, Any]:
    from contas.models import Usuario
    from importacoes.services import importacao_criar, importacao_processar

    usuario = Usuario.objects.get(username="bench_importacao")
    with caminho.open("rb") as entrada:
        importacao = importacao_criar(
            tipo="clientes", arquivo=entrada, nome_arquivo=caminho.name, ator=usuario,
            enfileirar=False,
        )  # fmt: skip
    importacao_processar(importacao.pk)
    importacao.refresh_from_db()
    if importacao.status not in ("concluido", "concluido_com_erros"):
        raise RuntimeError(f"importação {importacao.status}: {importacao.erro}")
    return {"linhas": importacao.linhas_lidas, "criadas": importacao.criadas,
            "atualizadas": importacao.atualizadas, "sem_alteracao": importacao.sem_alteracao,
            "rejeitadas": importacao.rejeitadas}  # fmt: skip


CAMINHOS = {
    "a": ("(a) django-import-export padrão", lambda c: caminho_iex(c, bulk=False)),
    "b": ("(b) django-import-export bulk", lambda c: caminho_iex(c, bulk=True)),
    "c": ("(c) piso: calamine + COPY", caminho_piso),
    "d": ("(d) nossa importação", caminho_nosso),
}


def executar_filho(caminho: str, arquivo_: Path) -> None:
    """Runs one path in this (fresh) process and prints one JSON line."""
    import django

    django.setup()
    contador = Contador()
    inicio = time.perf_counter()
    resultado = CAMINHOS[caminho][1](arquivo_)
    resultado["segundos"] = time.perf_counter() - inicio
    resultado["comandos"] = contador.total
    resultado["pico_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write("RESULTADO " + json.dumps(resultado) + "\n")


# --- orchestration ---------------------------------------------------------------------------


def preparar_banco() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cadastro.models import Origem, StatusCliente, TipoCliente
    from contas.models import Usuario

    if "bench" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("Use um banco só do bench (o nome precisa conter 'bench').")
    call_command("migrate", verbosity=0)
    TipoCliente.objects.get_or_create(codigo="CF", defaults={"descricao": "Consumidor final"})
    TipoCliente.objects.get_or_create(codigo="REV", defaults={"descricao": "Revenda"})
    Origem.objects.get_or_create(codigo="ERP", defaults={"descricao": "ERP legado"})
    StatusCliente.objects.get_or_create(codigo="ATIVO", defaults={"descricao": "Ativo"})
    usuario, _ = Usuario.objects.get_or_create(username="bench_importacao")
    usuario.groups.add(Group.objects.get(name="Administrador"))


def limpar() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cadastro_cliente, cadastro_clienteevent, cadastro_enderecoevent, "
            "cadastro_telefoneevent, cadastro_contatoeletronicoevent, importacoes_importacao, "
            "pghistory_context RESTART IDENTITY CASCADE"
        )
        cursor.execute("CHECKPOINT")


def analisar() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for tabela in ("cadastro_cliente", "cadastro_endereco", "cadastro_telefone",
                       "cadastro_contatoeletronico", "cadastro_eventoconsentimento"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {tabela}")


def rodar(caminho: str, arquivo_: Path) -> dict[str, Any]:
    processo = subprocess.run(
        [sys.executable, __file__, "--executar", caminho, "--arquivo", str(arquivo_)],
        capture_output=True, text=True, cwd=RAIZ, check=False,
    )  # fmt: skip
    for linha in processo.stdout.splitlines():
        if linha.startswith("RESULTADO "):
            return json.loads(linha.removeprefix("RESULTADO "))
    raise RuntimeError(f"{caminho} falhou:\n{processo.stdout[-3000:]}\n{processo.stderr[-5000:]}")


def _carga() -> str:
    um, cinco, _ = os.getloadavg()
    return (
        f"carga média da máquina: {um:.2f} (1 min), {cinco:.2f} (5 min) em {os.cpu_count()} núcleos"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tamanhos", default="20000,100000")
    parser.add_argument("--caminhos", default="a,b,c,d")
    parser.add_argument(
        "--maximo-iex",
        type=int,
        default=20_000,
        help="(a) e (b) rodam no máximo neste tamanho (a 100.000 linhas levariam horas); nos "
        "tamanhos maiores as razões usam as linhas/s medidas neste tamanho, e a saída diz isso.",
    )
    parser.add_argument("--executar")
    parser.add_argument("--arquivo", type=Path)
    args = parser.parse_args()
    if args.executar:
        executar_filho(args.executar, args.arquivo)
        return

    preparar_banco()
    caminhos = args.caminhos.split(",")
    tamanhos = [int(t) for t in args.tamanhos.split(",")]
    print(f"Bench da importação de clientes — {_carga()}")
    resultados: dict[tuple[str, int, str], dict[str, Any]] = {}

    def medir(caminho: str, n: int, cenario: str, variante: str, *, limpo: bool = True) -> None:
        if limpo:
            limpar()
        else:
            analisar()
        r = rodar(caminho, arquivo(n, variante))
        r["linhas_s"] = r["linhas"] / r["segundos"]
        resultados[(caminho, n, cenario)] = r
        print(
            f"{CAMINHOS[caminho][0]:34} {n:>7} {cenario:10} {r['segundos']:8.2f} s "
            f"{r['linhas_s']:>9,.0f} linhas/s  pico {r['pico_mb']:6.0f} MB  "
            f"{r['comandos']:>8} comandos ({r['comandos'] / r['linhas']:.4f}/linha)  "
            f"criadas {r.get('criadas', 0)} atualizadas {r.get('atualizadas', 0)} "
            f"rejeitadas {r.get('rejeitadas', 0)}".replace(",", "."),
            flush=True,
        )

    for n in tamanhos:
        arquivo(n, "limpo")
        arquivo(n, "ruim")
        print(f"\n== {n} linhas ==")
        for caminho in caminhos:
            if caminho in ("a", "b") and n > args.maximo_iex:
                for cenario in ("insercao", "5%-ruim"):
                    medido = resultados.get((caminho, args.maximo_iex, cenario))
                    if medido:
                        resultados[(caminho, n, cenario)] = medido
                        print(
                            f"{CAMINHOS[caminho][0]:34} {n:>7} {cenario:10} não medido: "
                            f"usa {medido['linhas_s']:.0f} linhas/s de {args.maximo_iex} linhas"
                        )
                continue
            medir(caminho, n, "insercao", "limpo")
            if caminho == "d":
                medir("d", n, "reimport", "limpo", limpo=False)
            medir(caminho, n, "5%-ruim", "ruim")

    print(f"\n== Razões e metas (nossa = d) — {_carga()} ==")
    for n in tamanhos:
        d = resultados.get(("d", n, "insercao"))
        if not d:
            continue

        def razao(rotulo: str, valor: float, meta: str, ok: bool, n: int = n) -> None:
            print(
                f"{n:>7}  {rotulo:48} {valor:10.2f}   meta {meta:10} {'OK' if ok else 'NÃO ATINGIDA'}"  # noqa: E501
            )

        for caminho, meta in (("a", 25.0), ("b", 8.0)):
            outro = resultados.get((caminho, n, "insercao"))
            if outro:
                x = d["linhas_s"] / outro["linhas_s"]
                razao(f"(d)/{caminho} linhas/s (inserção)", x, f"≥ {meta:g}×", x >= meta)
            outro_ruim = resultados.get((caminho, n, "5%-ruim"))
            ruim = resultados.get(("d", n, "5%-ruim"))
            if outro_ruim and ruim:
                x = ruim["linhas_s"] / outro_ruim["linhas_s"]
                razao(f"(d)/{caminho} linhas/s (arquivo 5% ruim)", x, f"≥ {meta:g}×", x >= meta)
        piso = resultados.get(("c", n, "insercao"))
        if piso:
            x = d["linhas_s"] / piso["linhas_s"]
            razao("(d)/(c) piso, linhas/s", x * 100, "≥ 60 %", x >= 0.6)
        reimport = resultados.get(("d", n, "reimport"))
        if reimport:
            x = reimport["linhas_s"] / d["linhas_s"]
            razao("reimportação / inserção, linhas/s", x * 100, "≥ 80 %", x >= 0.8)
            por_linha = reimport["comandos"] / reimport["linhas"]
            razao("reimportação: comandos SQL por linha", por_linha, "≤ 0,01", por_linha <= 0.01)
        ruim = resultados.get(("d", n, "5%-ruim"))
        if ruim:
            x = ruim["linhas_s"] / d["linhas_s"]
            razao("arquivo 5% ruim / limpo, linhas/s", x * 100, "≥ 90 %", x >= 0.9)
        if n == 100_000:
            razao(
                "100.000 linhas de ponta a ponta, s", d["segundos"], "≤ 10 s", d["segundos"] <= 10
            )
            pico = max(r["pico_mb"] for (c, m, _), r in resultados.items() if c == "d" and m == n)
            razao("pico de memória (RSS do processo), MB", pico, "≤ 350 MB", pico <= 350)


if __name__ == "__main__":
    main()
