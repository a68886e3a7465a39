"""Demo and scale data (issue 3, §6): a fixed base set plus N realistic pt-BR clients.

`garantir_base()` creates (idempotently, get_or_create) the demo company, the auxiliary
registries, the demo users with their roles, teams and carteiras. `gerar_clientes()` writes N
clients and their children with Postgres COPY in chunks. `gerar_demo()` is what
`manage.py gerar_demo` and the benchmarks call.

Speed choices, measured on the shared 2-core dev box (PG 15) while other engineers' test
runs kept the load average at 5–9: 1M clients took 165–310 s wall; the CPU it really needs is
~51 s of Python plus ~54 s of the Postgres backend (+ parallel index-build workers); on an
idle 2-core machine that should be ~1.5–2 min (an estimate: the box was never idle).
- client ids come from the identity sequence (`nextval` over `generate_series`), so children
  reference them inside the same chunk without a round-trip per row;
- names, streets and companies are combined from pools built once from Faker pt_BR's lists:
  a Faker call costs ~15–20 µs and a client needs ~10, i.e. 3+ CPU minutes per 1M clients for
  the names alone, more than this whole generator;
- rows for chunk k+1 are built while a thread COPYs chunk k (see `gerar_clientes`);
- when the database role is a superuser, the load runs with `session_replication_role =
  replica`, which skips the pghistory row triggers and the deferred FK checks (the generator
  only references ids it just created or read). So demo data has NO history rows: a client's
  history starts with its first real edit. Measured per 100k clients, Postgres CPU: 5 s
  (mass load) / 8 s (chunked) without triggers vs 25 s with them. `--com-historico` keeps
  them (and a non-superuser role has no choice), in one pghistory context per run with
  metadata {"origem": "sistema", "fonte": "gerar_demo"};
- big loads drop and rebuild the plain indexes (see `gerar_clientes`).
"""

from __future__ import annotations

import bisect
import math
import random
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql
from stdnum.br import cnpj as stdnum_cnpj

from cadastro import models as m
from cadastro.constants import (
    CanalContato,
    IndicadorIE,
    OrigemAlteracao,
    Sexo,
    TipoContatoEletronico,
    TipoEndereco,
    TipoEventoCliente,
    TipoTelefone,
)
from contas.constants import Papel, RegimeTributario
from contas.models import Empresa, Equipe, Usuario
from crm.documentos import gerar_cnpj, gerar_cpf

T = TypeVar("T")

SENHA_DEMO = "demo1234"
LOTE_PADRAO = 25_000
LIMIAR_MASSA = 100_000  # from here on, drop and rebuild plain indexes (see gerar_clientes)
SEMENTE_PADRAO = 2024
ANOS_HISTORICO = 3

# --- the fixed base set -------------------------------------------------------------------

EMPRESA_DEMO = {
    "cnpj": gerar_cnpj(45_723_174),
    "nome": "Horizonte Distribuidora de Materiais Ltda",
    "nome_fantasia": "Horizonte Distribuidora",
    "uf": "SP",
    "regime_tributario": RegimeTributario.REAL,
}

TIPOS_CLIENTE = [
    ("CF", "Consumidor final"),
    ("REV", "Revenda"),
    ("DIST", "Distribuidor"),
    ("CONST", "Construtora"),
    ("ORGAO", "Órgão público"),
]
STATUS_CLIENTE = [
    ("ATIVO", "Ativo", True),
    ("INATIVO", "Inativo", False),
    ("SIMPL", "Simplificado", True),
    ("ESPEC", "Especial", True),
]
SITUACOES_SCPC = [("NADA", "Nada consta"), ("REAB", "Reabilitado"), ("NEG", "Negativado (SPC)")]
CATEGORIAS_FISCAIS = [
    ("CONTRIB", "Contribuinte ICMS"),
    ("NAOCONTRIB", "Não contribuinte"),
    ("ISENTO", "Isento"),
]
ORIGENS = [("ERP", "ERP"), ("ECOM", "E-commerce"), ("PLAN", "Planilha")]
TIPOS_CONTATO = [
    ("COMPR", "Comprador"),
    ("VEND", "Vendas"),
    ("SECR", "Secretária"),
    ("FIN", "Financeiro"),
]
LOCAIS_FATURAMENTO = [("MATRIZ-SP", "Matriz São Paulo"), ("FILIAL-PR", "Filial Curitiba")]
ARMAZENS = [("CD-GRU", "CD Guarulhos"), ("CD-CWB", "CD Curitiba")]
TABELAS_VENDA = [
    ("TAB-SE", "Tabela Sudeste", "MATRIZ-SP", "CD-GRU"),
    ("TAB-SUL", "Tabela Sul", "FILIAL-PR", "CD-CWB"),
    ("TAB-NNE", "Tabela Norte/Nordeste", "MATRIZ-SP", "CD-GRU"),
]


@dataclass(frozen=True)
class UsuarioDemo:
    username: str
    senha: str
    papel: Papel
    nome: str
    sobrenome: str
    equipe: str | None = None


# Printed by `make run`; passwords are fixed on purpose (demo only).
USUARIOS_DEMO = [
    UsuarioDemo("admin", "admin", Papel.ADMINISTRADOR, "Helena", "Duarte Vasconcelos"),
    UsuarioDemo("supervisor", SENHA_DEMO, Papel.SUPERVISOR, "Ricardo", "Moreira Campos"),
    UsuarioDemo("supervisor2", SENHA_DEMO, Papel.SUPERVISOR, "Patrícia", "Nogueira Lins"),
    UsuarioDemo("rep1", SENHA_DEMO, Papel.REPRESENTANTE, "Carlos Eduardo", "Lima", "Equipe Sul"),
    UsuarioDemo("rep2", SENHA_DEMO, Papel.REPRESENTANTE, "Fernanda", "Souza Prado", "Equipe Sul"),
    UsuarioDemo("rep3", SENHA_DEMO, Papel.REPRESENTANTE, "João Pedro", "Almeida", "Equipe Norte"),
    UsuarioDemo("sac", SENHA_DEMO, Papel.ATENDENTE_SAC, "Juliana", "Ribeiro"),
]
EQUIPES_DEMO = [("Equipe Sul", "supervisor"), ("Equipe Norte", "supervisor2")]

GRANDE_SP = frozenset(
    {
        "São Paulo", "Guarulhos", "São Bernardo do Campo", "Santo André", "Osasco", "Mauá",
        "Mogi das Cruzes", "Diadema", "Carapicuíba", "Itaquaquecetuba", "Suzano", "Barueri",
        "Taboão da Serra", "Cotia", "Itapevi", "Embu das Artes", "São Caetano do Sul",
        "Ferraz de Vasconcelos", "Francisco Morato", "Franco da Rocha", "Santana de Parnaíba",
        "Ribeirão Pires", "Poá", "Caieiras", "Arujá", "Jandira", "Cajamar", "Mairiporã",
        "Itapecerica da Serra", "Embu-Guaçu",
    }
)  # fmt: skip

SUL = frozenset({"PR", "SC", "RS"})
NORDESTE = frozenset({"BA", "SE", "AL", "PE", "PB", "RN", "CE", "PI", "MA"})
NORTE_CO = frozenset({"AM", "PA", "AC", "RO", "RR", "AP", "TO", "MT", "MS", "GO", "DF"})


def _regiao_sp_capital(uf: str, nome: str) -> bool:
    return uf == "SP" and nome in GRANDE_SP


def _regiao_sp_interior(uf: str, nome: str) -> bool:
    return uf == "SP" and nome not in GRANDE_SP


@dataclass(frozen=True)
class CarteiraDemo:
    codigo: str
    nome: str
    representante: str
    tabela: str
    peso: float  # share of the clients that have a carteira
    regiao: Callable[[str, str], bool]


CARTEIRAS_DEMO = [
    CarteiraDemo("SP-CAPITAL", "Grande São Paulo", "rep1", "TAB-SE", 30, _regiao_sp_capital),
    CarteiraDemo(
        "SP-INTERIOR", "Interior de São Paulo", "rep1", "TAB-SE", 20, _regiao_sp_interior
    ),
    CarteiraDemo("SUL", "Região Sul", "rep2", "TAB-SUL", 15, lambda uf, _n: uf in SUL),
    CarteiraDemo(
        "SUDESTE", "Rio, Minas e Espírito Santo", "rep2", "TAB-SE", 15,
        lambda uf, _n: uf in {"RJ", "MG", "ES"},
    ),
    CarteiraDemo("NORDESTE", "Nordeste", "rep3", "TAB-NNE", 12, lambda uf, _n: uf in NORDESTE),
    CarteiraDemo(
        "NORTE-CO", "Norte e Centro-Oeste", "rep3", "TAB-NNE", 8, lambda uf, _n: uf in NORTE_CO
    ),
]  # fmt: skip


@dataclass(frozen=True)
class BaseDemo:
    """Ids of everything the client generator references."""

    empresa_id: int
    usuarios: dict[str, int]
    tipos_cliente: dict[str, int]
    status: dict[str, int]
    scpc: dict[str, int]
    categorias: dict[str, int]
    origens: dict[str, int]
    tipos_contato: dict[str, int]
    tabelas: dict[str, int]
    carteiras: dict[str, tuple[int, int]]  # codigo -> (carteira id, representante id)


def _registros(modelo: type[Any], linhas: Iterable[tuple[str, str]]) -> dict[str, int]:
    ids = {}
    for codigo, descricao in linhas:
        obj, _ = modelo.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
        ids[codigo] = obj.pk
    return ids


@transaction.atomic
def garantir_base() -> BaseDemo:
    """Create what is missing of the fixed demo set; never changes what already exists.

    Existing demo users keep their password and flags (someone may have changed them on
    purpose); only their group, company and team membership are ensured.
    """
    empresa, _ = Empresa.objects.get_or_create(
        cnpj=EMPRESA_DEMO["cnpj"], defaults={k: v for k, v in EMPRESA_DEMO.items() if k != "cnpj"}
    )
    status = {}
    for codigo, descricao, ativo in STATUS_CLIENTE:
        status_obj, _ = m.StatusCliente.objects.get_or_create(
            codigo=codigo, defaults={"descricao": descricao, "considera_ativo": ativo}
        )
        status[codigo] = status_obj.pk
    locais = _registros(m.LocalFaturamento, LOCAIS_FATURAMENTO)
    armazens = _registros(m.Armazem, ARMAZENS)
    tabelas = {}
    for codigo, descricao, local, armazem in TABELAS_VENDA:
        tabela, _ = m.TabelaVenda.objects.get_or_create(
            codigo=codigo,
            defaults={
                "descricao": descricao,
                "local_faturamento_id": locais[local],
                "armazem_id": armazens[armazem],
            },
        )
        tabelas[codigo] = tabela.pk

    grupos = {g.name: g for g in Group.objects.filter(name__in=[p.value for p in Papel])}
    usuarios: dict[str, Usuario] = {}
    for dados in USUARIOS_DEMO:
        usuario = Usuario.objects.filter(username=dados.username).first()
        if usuario is None:
            usuario = Usuario(
                username=dados.username,
                first_name=dados.nome,
                last_name=dados.sobrenome,
                email=f"{dados.username}@horizonte.exemplo.com.br",
                empresa=empresa,
                # Administrador reaches /admin through staff + the group's permissions,
                # never as superuser (the role is what grants the rights).
                is_staff=dados.papel == Papel.ADMINISTRADOR,
            )
            usuario.set_password(dados.senha)
            usuario.save()
        elif usuario.empresa_id is None:
            usuario.empresa = empresa
            usuario.save(update_fields=["empresa"])
        usuario.groups.add(grupos[dados.papel])
        usuarios[dados.username] = usuario

    equipes = {}
    for nome, supervisor in EQUIPES_DEMO:
        equipes[nome], _ = Equipe.objects.get_or_create(
            nome=nome, defaults={"supervisor": usuarios[supervisor]}
        )
    for dados in USUARIOS_DEMO:
        usuario = usuarios[dados.username]
        if dados.equipe and usuario.equipe_id is None:
            usuario.equipe = equipes[dados.equipe]
            usuario.save(update_fields=["equipe"])

    carteiras = {}
    for cart in CARTEIRAS_DEMO:
        carteira, _ = m.Carteira.objects.get_or_create(
            codigo=cart.codigo,
            defaults={"nome": cart.nome, "representante": usuarios[cart.representante]},
        )
        carteiras[cart.codigo] = (carteira.pk, carteira.representante_id)

    return BaseDemo(
        empresa_id=empresa.pk,
        usuarios={k: u.pk for k, u in usuarios.items()},
        tipos_cliente=_registros(m.TipoCliente, TIPOS_CLIENTE),
        status=status,
        scpc=_registros(m.SituacaoSCPC, SITUACOES_SCPC),
        categorias=_registros(m.CategoriaFiscal, CATEGORIAS_FISCAIS),
        origens=_registros(m.Origem, ORIGENS),
        tipos_contato=_registros(m.TipoContato, TIPOS_CONTATO),
        tabelas=tabelas,
        carteiras=carteiras,
    )


# --- pools --------------------------------------------------------------------------------


class Sorteio(Generic[T]):
    """Weighted choice driven by one `random()` float: ~3x faster than `random.choices`."""

    __slots__ = ("acumulado", "itens", "total")

    def __init__(self, pares: Iterable[tuple[T, float]]) -> None:
        self.itens: list[T] = []
        self.acumulado: list[float] = []
        soma = 0.0
        for item, peso in pares:
            if peso <= 0:
                continue
            soma += peso
            self.itens.append(item)
            self.acumulado.append(soma)
        if not self.itens:
            raise ValueError("Sorteio sem itens com peso positivo.")
        self.total = soma

    def __call__(self, r: float) -> T:
        return self.itens[bisect.bisect_right(self.acumulado, r * self.total)]


def _sem_acento(texto: str) -> str:
    return unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()


def _slug(texto: str) -> str:
    return "".join(c for c in _sem_acento(texto).lower() if c.isalnum())


# Common adult first names (the Faker pt_BR pools are baby names of the 2010s: Apollo,
# Anthony Gabriel…); both are mixed so the base looks like real customers of all ages.
NOMES_ADULTOS_M = [
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
    "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo",
    "Rodrigo", "Manoel", "Mateus", "André", "Fernando", "Fábio", "Leonardo", "Gustavo",
    "Guilherme", "Leandro", "Tiago", "Anderson", "Ricardo", "Márcio", "Jorge", "Sebastião",
    "Alexandre", "Roberto", "Edson", "Diego", "Vitor", "Sérgio", "Cláudio", "Matheus", "Thiago",
    "Geraldo", "Adriano", "Luciano", "Júlio", "Renato", "Alex", "Vinícius", "Rogério", "Samuel",
    "Ronaldo", "Mário", "Flávio", "Igor", "Douglas", "Davi", "Joaquim", "Wesley", "Célio",
    "Wagner", "Valdir", "Reginaldo", "Benedito", "Otávio", "Hélio", "Nelson", "Ademir"
]  # fmt: skip
NOMES_ADULTOS_F = [
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia",
    "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana",
    "Vanessa", "Mariana", "Gabriela", "Vera", "Vitória", "Larissa", "Cláudia", "Beatriz", "Luana",
    "Rita", "Sônia", "Renata", "Eliane", "Josefa", "Simone", "Natália", "Cristiane", "Carla",
    "Débora", "Rosângela", "Jaqueline", "Rosa", "Daniela", "Aparecida", "Marlene", "Terezinha",
    "Raimunda", "Andréia", "Fabiana", "Lúcia", "Raquel", "Ângela", "Rafaela", "Joana", "Luzia",
    "Elaine", "Daiane", "Cristina", "Regina", "Priscila", "Tatiane", "Kátia", "Silvana", "Michele",
    "Viviane", "Solange", "Rosana", "Cíntia"
]  # fmt: skip
# Approximate frequency of the most common Brazilian surnames (IBGE name census order).
SOBRENOMES_COMUNS = {
    "Silva": 60, "Santos": 45, "Oliveira": 30, "Souza": 28, "Rodrigues": 18, "Ferreira": 17,
    "Alves": 16, "Pereira": 15, "Lima": 14, "Gomes": 13, "Costa": 12, "Ribeiro": 11,
    "Martins": 10, "Carvalho": 10, "Almeida": 9, "Lopes": 8, "Soares": 8, "Fernandes": 8,
    "Vieira": 7, "Barbosa": 7, "Rocha": 6, "Dias": 6, "Nascimento": 6, "Andrade": 5,
    "Moreira": 5, "Nunes": 5, "Marques": 5, "Machado": 5, "Mendes": 5, "Freitas": 5,
    "Cardoso": 4, "Ramos": 4, "Gonçalves": 4, "Santana": 4, "Teixeira": 4, "Araújo": 4,
}  # fmt: skip
SOBRENOMES_ESTRANHOS = {"Costela", "Casa Grande", "Pastor", "Aparecida", "Cassiano", "Cirino"}

NOMES_ESTRANGEIROS_M = [
    "John", "Michael", "Juan", "Carlos", "Luca", "Marco", "Hiroshi", "Kenji", "Jean", "Pierre",
    "Ahmed", "Omar"
]  # fmt: skip
NOMES_ESTRANGEIROS_F = [
    "Lucía", "Sofía", "Valentina", "Camille", "Emma", "Yuki", "Mei", "Olga", "Anna", "Giulia"
]  # fmt: skip
SOBRENOMES_ESTRANGEIROS = [
    "Smith", "Johnson", "Pérez", "González", "Rodríguez", "Fernández", "Rossi", "Bianchi",
    "Tanaka", "Suzuki", "Dupont", "Martin", "Müller", "Schmidt", "Ivanova", "Chen", "Wang",
    "Haddad", "Nakamura", "Romano", "García", "López"
]  # fmt: skip

TIMES = {
    "Flamengo": 21, "Corinthians": 15, "São Paulo": 8, "Palmeiras": 8, "Vasco": 4,
    "Cruzeiro": 3, "Grêmio": 3, "Atlético Mineiro": 3, "Internacional": 2.5, "Santos": 2.5,
    "Bahia": 2, "Fluminense": 2, "Botafogo": 2, "Sport": 1.5, "Fortaleza": 1.2,
    "Ceará": 1.2, "Athletico Paranaense": 1, "Vitória": 1, "Coritiba": 0.8, "Remo": 0.8,
    "Paysandu": 0.8, "Goiás": 0.5, "Náutico": 0.5, "Santa Cruz": 0.5,
}  # fmt: skip

SEGMENTOS_PJ = [
    # (CNAE, atividade, razão social, nome fantasia, tipo de cliente, peso)
    ("4744099", "Comércio varejista de materiais de construção",
     "{s} Materiais de Construção", "Casa {s}", "REV", 22),
    ("4744001", "Comércio varejista de ferragens e ferramentas",
     "Ferragens {s}", "Ferragens {s}", "REV", 10),
    ("4679699", "Comércio atacadista de materiais de construção",
     "{s} Distribuidora de Materiais", "{s} Distribuidora", "DIST", 8),
    ("4120400", "Construção de edifícios", "Construtora {s}", "Construtora {s}", "CONST", 14),
    ("4711302", "Supermercado", "Supermercado {s}", "Super {s}", "REV", 8),
    ("4712100", "Minimercado e mercearia", "Mercearia {s}", "Mercadinho {s}", "REV", 6),
    ("4321500", "Instalação e manutenção elétrica",
     "{s} Instalações Elétricas", "{s} Elétrica", "CF", 8),
    ("4330404", "Serviços de pintura de edifícios", "{s} Pinturas", "{s} Pinturas", "CF", 6),
    ("5611201", "Restaurantes e similares", "Restaurante {s}", "Cantina {s}", "CF", 8),
    ("4530703", "Comércio de peças e acessórios para veículos",
     "{s} Autopeças", "{s} Autopeças", "REV", 8),
    ("8411600", "Administração pública em geral",
     "Prefeitura Municipal de {c}", "Prefeitura de {c}", "ORGAO", 2),
]  # fmt: skip
SUFIXOS_PJ = {" Ltda": 60, " ME": 14, " EPP": 10, " S.A.": 4, " Eireli": 5, "": 7}

LOGRADOUROS_FAMOSOS = [
    "Sete de Setembro", "XV de Novembro", "Tiradentes", "Dom Pedro II", "Marechal Deodoro",
    "Santos Dumont", "Barão do Rio Branco", "Getúlio Vargas", "Brasil", "das Flores", "São João",
    "Rui Barbosa", "Duque de Caxias", "José Bonifácio", "Castro Alves", "Machado de Assis",
    "Monteiro Lobato", "da Independência", "Amazonas", "Paraná", "Bahia", "Presidente Vargas",
    "Floriano Peixoto", "Princesa Isabel", "Joaquim Nabuco", "Treze de Maio", "Primeiro de Maio",
    "Quintino Bocaiúva", "Benjamin Constant", "Visconde de Mauá", "Padre Anchieta", "Carlos Gomes",
    "Osvaldo Cruz", "Vinte e Um de Abril", "das Palmeiras", "dos Andradas", "Coronel Fernandes",
    "Belo Horizonte", "Rio de Janeiro", "Minas Gerais", "Goiás", "Pernambuco", "Ceará"
]  # fmt: skip
BAIRROS_COMUNS = [
    "Centro", "Jardim América", "Vila Nova", "Jardim Europa", "Vila Maria", "Jardim Paulista",
    "Santa Cecília", "Boa Vista", "São José", "Jardim das Flores", "Vila Esperança",
    "Parque Industrial", "Jardim Primavera", "Santo Antônio", "Nossa Senhora Aparecida",
    "Vila Operária", "Cidade Nova", "Jardim Bela Vista", "Planalto", "Vila Rica",
    "Jardim São Paulo", "Morada do Sol", "Alto da Boa Vista", "Jardim Alvorada", "Vila São João",
    "Cohab", "Conjunto Habitacional", "Distrito Industrial", "Jardim Santa Rita", "Liberdade"
]  # fmt: skip
COMPLEMENTOS = ["Apto 12", "Apto 34", "Apto 101", "Apto 52", "Casa 2", "Casa 3", "Fundos",
                "Bloco B Apto 304", "Bloco A Apto 21", "Sala 5", "Sala 12", "Loja 1",
                "Galpão 2", "Térreo"]  # fmt: skip
DOMINIOS_EMAIL = {
    "gmail.com": 45, "hotmail.com": 18, "outlook.com": 8, "yahoo.com.br": 8, "uol.com.br": 5,
    "bol.com.br": 4, "icloud.com": 4, "terra.com.br": 3, "globo.com": 3, "live.com": 2,
}  # fmt: skip
CONVENIOS = ["Convênio Prefeitura", "Sindicato dos Comerciários", "Associação dos Servidores",
             "Cooperativa Agrícola", "Clube de Vantagens"]  # fmt: skip
# (masculine, feminine) job titles per contact role
CARGOS_CONTATO = {
    "COMPR": [("Comprador", "Compradora"), ("Gerente de compras", "Gerente de compras"),
              ("Sócio", "Sócia")],
    "VEND": [("Gerente comercial", "Gerente comercial"), ("Vendedor interno", "Vendedora interna")],
    "SECR": [("Secretário", "Secretária"),
             ("Assistente administrativo", "Assistente administrativa")],
    "FIN": [("Analista financeiro", "Analista financeira"), ("Contas a pagar", "Contas a pagar"),
            ("Sócio-administrador", "Sócia-administradora")],
}  # fmt: skip
OBSERVACOES_REVOGACAO = ["Pediu para não receber mais", "Descadastro pelo link da mensagem",
                         "Revogado por telefone ao SAC", ""]  # fmt: skip


def _pools_de_nomes() -> tuple[Sorteio[str], Sorteio[str], Sorteio[str], list[str], list[str]]:
    try:
        from faker.providers.job.pt_BR import Provider as Profissoes
        from faker.providers.person.pt_BR import Provider as Pessoas
    except ImportError as exc:  # Faker is a dev dependency; demo data is a dev tool
        raise RuntimeError("gerar_demo precisa do pacote Faker (requirements-dev).") from exc
    masc = [(n, 1.0) for n in Pessoas.first_names_male if n != "Dom"]
    masc += [(n, 4.0) for n in NOMES_ADULTOS_M]
    fem = [(n, 1.0) for n in Pessoas.first_names_female]
    fem += [(n, 4.0) for n in NOMES_ADULTOS_F]
    sobrenomes = {n: 1.0 for n in Pessoas.last_names if n not in SOBRENOMES_ESTRANHOS}
    sobrenomes.update(SOBRENOMES_COMUNS)
    profissoes = [p for p in Profissoes.jobs if len(p) <= 80]
    # Faker's own pt_BR bairros are Belo Horizonte's ("Barão Homem De Melo 3ª Seção"):
    # generic ones plus "Jardim <sobrenome>"-style names read right in any town.
    bairros = list(BAIRROS_COMUNS)
    for prefixo in ("Jardim", "Vila", "Parque", "Residencial"):
        bairros += [f"{prefixo} {n}" for n in sorted(sobrenomes) if " " not in n]
    bairros += [f"Vila {n}" for n in NOMES_ADULTOS_F[:30]]
    return Sorteio(masc), Sorteio(fem), Sorteio(sobrenomes.items()), profissoes, bairros


# --- geography ----------------------------------------------------------------------------

# (name, UF, population in thousands — 2022 census, rounded — and DDD). Everything not
# listed weighs as a typical town, so ~1/3 of the clients land in these big cities.
CIDADES_GRANDES = [
    ("São Paulo", "SP", 11451, "11"), ("Guarulhos", "SP", 1291, "11"),
    ("Campinas", "SP", 1139, "19"), ("São Bernardo do Campo", "SP", 810, "11"),
    ("Santo André", "SP", 748, "11"), ("Osasco", "SP", 728, "11"),
    ("Sorocaba", "SP", 723, "15"), ("Ribeirão Preto", "SP", 698, "16"),
    ("São José dos Campos", "SP", 697, "12"), ("São José do Rio Preto", "SP", 480, "17"),
    ("Mogi das Cruzes", "SP", 451, "11"), ("Jundiaí", "SP", 443, "11"),
    ("Piracicaba", "SP", 423, "19"), ("Santos", "SP", 418, "13"), ("Mauá", "SP", 418, "11"),
    ("Diadema", "SP", 393, "11"), ("Carapicuíba", "SP", 387, "11"), ("Bauru", "SP", 379, "14"),
    ("Itaquaquecetuba", "SP", 369, "11"), ("Franca", "SP", 352, "16"),
    ("Praia Grande", "SP", 349, "13"), ("São Vicente", "SP", 329, "13"),
    ("Barueri", "SP", 316, "11"), ("Taubaté", "SP", 310, "12"), ("Suzano", "SP", 307, "11"),
    ("Limeira", "SP", 291, "19"), ("Guarujá", "SP", 287, "13"), ("Sumaré", "SP", 279, "19"),
    ("Cotia", "SP", 274, "11"), ("Taboão da Serra", "SP", 273, "11"),
    ("Indaiatuba", "SP", 255, "19"), ("São Carlos", "SP", 254, "16"),
    ("Embu das Artes", "SP", 250, "11"), ("Araraquara", "SP", 242, "16"),
    ("Jacareí", "SP", 240, "12"), ("Marília", "SP", 237, "14"), ("Americana", "SP", 237, "19"),
    ("Hortolândia", "SP", 236, "19"), ("Itapevi", "SP", 232, "11"),
    ("Presidente Prudente", "SP", 225, "18"),
    ("Rio de Janeiro", "RJ", 6211, "21"), ("São Gonçalo", "RJ", 896, "21"),
    ("Duque de Caxias", "RJ", 808, "21"), ("Nova Iguaçu", "RJ", 785, "21"),
    ("Belford Roxo", "RJ", 483, "21"), ("Campos dos Goytacazes", "RJ", 483, "22"),
    ("Niterói", "RJ", 481, "21"), ("São João de Meriti", "RJ", 440, "21"),
    ("Petrópolis", "RJ", 278, "24"), ("Volta Redonda", "RJ", 261, "24"),
    ("Belo Horizonte", "MG", 2315, "31"), ("Uberlândia", "MG", 713, "34"),
    ("Contagem", "MG", 621, "31"), ("Juiz de Fora", "MG", 540, "32"),
    ("Montes Claros", "MG", 414, "38"), ("Betim", "MG", 411, "31"),
    ("Uberaba", "MG", 337, "34"), ("Governador Valadares", "MG", 257, "33"),
    ("Ipatinga", "MG", 227, "31"),
    ("Vitória", "ES", 322, "27"), ("Serra", "ES", 520, "27"), ("Vila Velha", "ES", 467, "27"),
    ("Cariacica", "ES", 353, "27"),
    ("Curitiba", "PR", 1773, "41"), ("Londrina", "PR", 555, "43"), ("Maringá", "PR", 409, "44"),
    ("Ponta Grossa", "PR", 358, "42"), ("Cascavel", "PR", 348, "45"),
    ("São José dos Pinhais", "PR", 329, "41"), ("Foz do Iguaçu", "PR", 285, "45"),
    ("Porto Alegre", "RS", 1332, "51"), ("Caxias do Sul", "RS", 463, "54"),
    ("Canoas", "RS", 347, "51"), ("Pelotas", "RS", 325, "53"), ("Santa Maria", "RS", 271, "55"),
    ("Gravataí", "RS", 265, "51"),
    ("Florianópolis", "SC", 537, "48"), ("Joinville", "SC", 616, "47"),
    ("Blumenau", "SC", 361, "47"), ("São José", "SC", 270, "48"),
    ("Brasília", "DF", 2817, "61"), ("Goiânia", "GO", 1437, "62"),
    ("Aparecida de Goiânia", "GO", 527, "62"), ("Anápolis", "GO", 398, "62"),
    ("Campo Grande", "MS", 898, "67"), ("Dourados", "MS", 243, "67"),
    ("Cuiabá", "MT", 650, "65"), ("Várzea Grande", "MT", 300, "65"),
    ("Rondonópolis", "MT", 244, "66"), ("Palmas", "TO", 302, "63"),
    ("Salvador", "BA", 2418, "71"), ("Feira de Santana", "BA", 616, "75"),
    ("Vitória da Conquista", "BA", 370, "77"), ("Fortaleza", "CE", 2428, "85"),
    ("Caucaia", "CE", 355, "85"), ("Juazeiro do Norte", "CE", 286, "88"),
    ("Recife", "PE", 1488, "81"), ("Jaboatão dos Guararapes", "PE", 644, "81"),
    ("Petrolina", "PE", 386, "87"), ("Caruaru", "PE", 378, "81"), ("Olinda", "PE", 349, "81"),
    ("São Luís", "MA", 1037, "98"), ("Imperatriz", "MA", 273, "99"),
    ("Maceió", "AL", 957, "82"), ("Natal", "RN", 751, "84"), ("Mossoró", "RN", 264, "84"),
    ("Teresina", "PI", 866, "86"), ("João Pessoa", "PB", 833, "83"),
    ("Campina Grande", "PB", 419, "83"), ("Aracaju", "SE", 602, "79"),
    ("Manaus", "AM", 2063, "92"), ("Belém", "PA", 1303, "91"), ("Ananindeua", "PA", 478, "91"),
    ("Santarém", "PA", 331, "93"), ("Porto Velho", "RO", 460, "69"),
    ("Rio Branco", "AC", 364, "68"), ("Macapá", "AP", 442, "96"), ("Boa Vista", "RR", 413, "95"),
]  # fmt: skip
PESO_CIDADE_PEQUENA = 15.0

DDDS_UF = {
    "SP": "11 12 13 14 15 16 17 18 19", "RJ": "21 22 24", "ES": "27 28",
    "MG": "31 32 33 34 35 37 38", "PR": "41 42 43 44 45 46", "SC": "47 48 49",
    "RS": "51 53 54 55", "DF": "61", "GO": "62 64", "TO": "63", "MT": "65 66", "MS": "67",
    "AC": "68", "RO": "69", "BA": "71 73 74 75 77", "SE": "79", "PE": "81 87", "AL": "82",
    "PB": "83", "RN": "84", "CE": "85 88", "PI": "86 89", "PA": "91 93 94", "AM": "92 97",
    "RR": "95", "AP": "96", "MA": "98 99",
}  # fmt: skip


@dataclass
class Cidade:
    codigo: int
    nome: str
    uf: str
    ddd: str
    peso: float
    faixas: list[tuple[int, int]] = field(default_factory=list)  # municipal CEP ranges
    amostras: list[tuple[str, str, str]] = field(default_factory=list)  # (cep, logradouro, bairro)
    prefixo: str = ""  # 5-digit CEP prefix of the town's general CEP (when no range is known)


def carregar_cidades() -> list[Cidade]:
    """Every municipality with its weight, DDD and a way to make CEPs plausible for it.

    CEPs: a real sample CEP (with street and district) when the shipped sample has one; else a
    CEP inside the municipality's own Correios range (capitals, AC/AP/RR/DF); else the
    municipality's "CEP geral" XXXXX-000 with a prefix inside its UF range that no other known
    range or sample uses, so `consultar_cep` never answers with another town.
    """
    grandes = {(nome, uf): (pop, ddd) for nome, uf, pop, ddd in CIDADES_GRANDES}
    cidades: dict[int, Cidade] = {}
    capitais_ddd: dict[str, str] = {}
    linhas = m.Municipio.objects.values_list("codigo_ibge", "nome", "uf", "capital")
    for codigo, nome, uf, capital in linhas:
        pop, ddd = grandes.get((nome, uf), (PESO_CIDADE_PEQUENA, ""))
        ddds = DDDS_UF[uf].split()
        cidades[codigo] = Cidade(codigo, nome, uf, ddd or ddds[codigo % len(ddds)], float(pop))
        if capital and ddd:
            capitais_ddd[uf] = ddd
    faltando = {k for k in grandes if k not in {(c.nome, c.uf) for c in cidades.values()}}
    if cidades and faltando:
        raise RuntimeError(f"Municípios da lista de cidades grandes ausentes: {sorted(faltando)}")

    faixas_uf: dict[str, list[tuple[int, int]]] = {}
    ocupados: set[int] = set()  # 5-digit prefixes already owned by a municipality or a sample
    for inicio, fim, uf, municipio_id in m.FaixaCep.objects.values_list(
        "cep_inicio", "cep_fim", "uf", "municipio_id"
    ):
        if municipio_id is None:
            faixas_uf.setdefault(uf, []).append((int(inicio), int(fim)))
        elif municipio_id in cidades:
            cidades[municipio_id].faixas.append((int(inicio), int(fim)))
            ocupados.update(range(int(inicio) // 1000, int(fim) // 1000 + 1))
    for cep, logradouro, bairro, municipio_id in m.Cep.objects.values_list(
        "cep", "logradouro", "bairro", "municipio_id"
    ).order_by("cep"):
        if municipio_id in cidades and logradouro:
            cidades[municipio_id].amostras.append((cep, logradouro, bairro))
            ocupados.add(int(cep) // 1000)

    livres_uf = {
        uf: [
            p
            for ini, fim in faixas
            for p in range(ini // 1000, fim // 1000 + 1)
            if p not in ocupados
        ]
        for uf, faixas in faixas_uf.items()
    }
    usados: set[int] = set()
    for cidade in sorted(cidades.values(), key=lambda c: c.codigo):
        if cidade.faixas or not livres_uf.get(cidade.uf):
            continue
        livres = livres_uf[cidade.uf]
        # Deterministic per municipality, and two towns never share a general CEP.
        rng = random.Random(cidade.codigo)  # noqa: S311 - demo data, not security
        for _ in range(50):
            prefixo = livres[rng.randrange(len(livres))]
            if prefixo not in usados:
                break
        usados.add(prefixo)
        cidade.prefixo = f"{prefixo:05d}"
    return list(cidades.values())


# --- client generation --------------------------------------------------------------------

COLUNAS_CLIENTE = (
    "id", "tipo_pessoa", "documento", "estrangeiro", "tipo_cliente_id", "codigo_externo",
    "origem_id", "nome", "nome_fantasia", "data_nascimento", "sexo", "profissao",
    "time_futebol", "tamanho_calcado", "conjuge_nascimento", "status_id", "situacao_scpc_id",
    "cnae", "indicador_ie", "inscricao_estadual", "consumidor_final", "categoria_fiscal_id",
    "representante_id", "carteira_id", "tabela_venda_id",
    "limite_credito", "convenio", "crediario", "credito_rotativo", "canal_preferido",
    "observacoes", "versao", "criado_em", "atualizado_em",
)  # fmt: skip
COLUNAS_ENDERECO = ("cliente_id", "tipo", "cep", "logradouro", "numero", "complemento", "bairro",
                    "municipio_id", "uf", "principal", "criado_em")  # fmt: skip
COLUNAS_TELEFONE = ("cliente_id", "tipo", "ddd", "numero", "operadora", "whatsapp", "principal",
                    "criado_em")  # fmt: skip
COLUNAS_CONTATO = ("cliente_id", "tipo", "valor", "principal", "criado_em")
COLUNAS_PESSOA = ("cliente_id", "nome", "tipo_id", "cargo", "email", "telefone", "criado_em")
COLUNAS_CONSENTIMENTO = ("id", "cliente_id", "canal", "concedido", "ator_id", "origem",
                         "observacao", "quando")  # fmt: skip
COLUNAS_EVENTO = ("cliente_id", "tipo", "ator_id", "quando", "descricao", "dados")

INDICADOR_IE = {
    "CONTRIB": IndicadorIE.CONTRIBUINTE.value,
    "ISENTO": IndicadorIE.ISENTO.value,
    "NAOCONTRIB": IndicadorIE.NAO_CONTRIBUINTE.value,
}
# Digits of the inscrição estadual per UF (SP 12, MG 13, RJ 8…).
IE_DIGITOS = {
    "AC": 13, "AL": 9, "AP": 9, "AM": 9, "BA": 9, "CE": 9, "DF": 13, "ES": 9, "GO": 9,
    "MA": 9, "MT": 11, "MS": 9, "MG": 13, "PA": 9, "PB": 9, "PR": 10, "PE": 9, "PI": 9,
    "RJ": 8, "RN": 9, "RS": 10, "RO": 14, "RR": 9, "SC": 9, "SP": 12, "SE": 9, "TO": 11,
}  # fmt: skip

TABELAS_COPY = {
    "cliente": (m.Cliente._meta.db_table, COLUNAS_CLIENTE),
    "endereco": (m.Endereco._meta.db_table, COLUNAS_ENDERECO),
    "telefone": (m.Telefone._meta.db_table, COLUNAS_TELEFONE),
    "contato_eletronico": (m.ContatoEletronico._meta.db_table, COLUNAS_CONTATO),
    "pessoa_contato": (m.PessoaContato._meta.db_table, COLUNAS_PESSOA),
    "consentimento": (m.EventoConsentimento._meta.db_table, COLUNAS_CONSENTIMENTO),
    "evento": (m.EventoCliente._meta.db_table, COLUNAS_EVENTO),
}

# Bijections of the id onto the document space: unique documents without bookkeeping, and they
# don't look sequential. Multipliers are coprime with the modulus.
_CPF_MOD, _CPF_MUL, _CPF_ADD = 10**9, 738_219_361, 104_729_003
_CNPJ_MOD, _CNPJ_MUL, _CNPJ_ADD = 10**8, 61_803_399, 27_182_818
_ALFA_MOD, _ALFA_MUL, _ALFA_ADD = 36**7, 1_000_003, 7_777_777
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

PROPORCAO_PJ = 0.20
PROPORCAO_ESTRANGEIRO = 0.005
PROPORCAO_CNPJ_ALFA = 0.02  # of the PJ
PROPORCAO_SEM_CARTEIRA = 0.05


def _base36(n: int, largura: int) -> str:
    digitos = []
    for _ in range(largura):
        n, resto = divmod(n, 36)
        digitos.append(_BASE36[resto])
    return "".join(reversed(digitos))


def documento_demo(cliente_id: int, tipo: str, tentativa: int = 0) -> str | None:
    """The demo document of a client id: 'F' → CPF, 'J' → CNPJ, 'A' → alphanumeric CNPJ."""
    chave = cliente_id + tentativa * 7_919_113
    if tipo == "F":
        corpo = (chave * _CPF_MUL + _CPF_ADD) % _CPF_MOD
        if len(set(f"{corpo:09d}")) == 1:
            return None
        return gerar_cpf(corpo)
    if tipo == "J":
        return gerar_cnpj((chave * _CNPJ_MUL + _CNPJ_ADD) % _CNPJ_MOD)
    raiz = _BASE36[10 + chave % 26] + _base36((chave * _ALFA_MUL + _ALFA_ADD) % _ALFA_MOD, 7)
    sem_dv = raiz + "0001"
    return sem_dv + stdnum_cnpj.calc_check_digits(sem_dv)


@dataclass
class Linhas:
    cliente: list[tuple[Any, ...]] = field(default_factory=list)
    endereco: list[tuple[Any, ...]] = field(default_factory=list)
    telefone: list[tuple[Any, ...]] = field(default_factory=list)
    contato_eletronico: list[tuple[Any, ...]] = field(default_factory=list)
    pessoa_contato: list[tuple[Any, ...]] = field(default_factory=list)
    consentimento: list[tuple[Any, ...]] = field(default_factory=list)
    evento: list[tuple[Any, ...]] = field(default_factory=list)


class GeradorClientes:
    """Builds the rows of N clients; `linhas(ids, indices)` is pure Python (no DB access)."""

    def __init__(self, base: BaseDemo, cidades: list[Cidade], *, semente: int, total: int,
                 agora: datetime | None = None) -> None:  # fmt: skip
        self.base = base
        self.semente = semente
        self.total = max(total, 1)
        self.agora = agora or timezone.now()
        self.inicio = self.agora - timedelta(days=365.25 * ANOS_HISTORICO)
        self.janela = (self.agora - self.inicio).total_seconds()
        (self.nome_m, self.nome_f, self.sobrenome, self.profissoes, self.bairros) = (
            _pools_de_nomes()
        )
        self.slugs: dict[str, str] = {}
        rng = random.Random(semente)  # noqa: S311 - demo data, not security
        self.logradouros = self._logradouros(rng)

        self.cidades_todas = Sorteio((c, c.peso) for c in cidades)
        self.carteiras = Sorteio(
            (
                (base.carteiras[c.codigo], base.tabelas[c.tabela],
                 Sorteio((cid, cid.peso) for cid in cidades if c.regiao(cid.uf, cid.nome))),
                c.peso,
            )
            for c in CARTEIRAS_DEMO
        )  # fmt: skip
        self.times = Sorteio(TIMES.items())
        self.dominios = Sorteio(DOMINIOS_EMAIL.items())
        self.sufixos_pj = Sorteio(SUFIXOS_PJ.items())
        self.segmentos = Sorteio((s, s[5]) for s in SEGMENTOS_PJ)
        b = base
        self.status = Sorteio(
            [(b.status["ATIVO"], 85), (b.status["INATIVO"], 8), (b.status["SIMPL"], 5),
             (b.status["ESPEC"], 2)]
        )  # fmt: skip
        self.scpc = Sorteio(
            [(b.scpc["NADA"], 90), (b.scpc["REAB"], 4), (b.scpc["NEG"], 4), (None, 2)]
        )
        self.categoria_pj = Sorteio([("CONTRIB", 75), ("ISENTO", 10), ("NAOCONTRIB", 15)])
        self.origem = Sorteio([("ERP", 50), ("ECOM", 20), ("PLAN", 10), (None, 20)])
        self.canal = Sorteio(
            [(CanalContato.SMS_WHATSAPP.value, 40), (CanalContato.EMAIL.value, 35),
             (CanalContato.TELEFONE.value, 15), (CanalContato.CARTA.value, 3), ("", 7)]
        )  # fmt: skip
        self.tipos_contato = list(base.tipos_contato.items())
        self.operadora = Sorteio([("vivo", 38), ("claro", 33), ("tim", 24), ("oi", 3), ("", 2)])

    # -- pools --

    def _logradouros(self, rng: random.Random) -> list[str]:
        prefixos = Sorteio([("Rua", 70), ("Avenida", 15), ("Travessa", 5), ("Alameda", 4),
                            ("Praça", 2), ("Estrada", 2), ("Rodovia", 1)])  # fmt: skip
        nomes: list[str] = []
        for i in range(4000):
            if i % 4 == 0:
                nome = LOGRADOUROS_FAMOSOS[rng.randrange(len(LOGRADOUROS_FAMOSOS))]
            else:
                primeiro = (self.nome_m if rng.random() < 0.6 else self.nome_f)(rng.random())
                nome = f"{primeiro} {self.sobrenome(rng.random())}"
            nomes.append(f"{prefixos(rng.random())} {nome}")
        return nomes

    def _slug(self, texto: str) -> str:
        slug = self.slugs.get(texto)
        if slug is None:
            slug = self.slugs[texto] = _slug(texto)
        return slug

    # -- time: ids grow with criado_em, and the base grows ~ linearly over the years --

    def _criado_em(self, indice: int, r: float) -> datetime:
        q = (indice + r) / self.total
        a = 1.0  # the newest month has twice the sign-ups of the oldest one
        t = (-1 + math.sqrt(1 + 2 * a * q * (1 + a / 2))) / a
        return self.inicio + timedelta(seconds=min(t, 1.0) * self.janela)

    # -- one chunk --

    def tipos(self, ids: Sequence[int]) -> list[str]:
        """'F', 'J', 'A' (alphanumeric CNPJ) or 'E' (foreigner) per id — deterministic."""
        rng = random.Random(f"{self.semente}:tipos:{ids[0] if ids else 0}")  # noqa: S311
        saida = []
        for _ in ids:
            r = rng.random()
            if r < PROPORCAO_ESTRANGEIRO:
                saida.append("E")
            elif r < PROPORCAO_ESTRANGEIRO + PROPORCAO_PJ * PROPORCAO_CNPJ_ALFA:
                saida.append("A")
            elif r < PROPORCAO_ESTRANGEIRO + PROPORCAO_PJ:
                saida.append("J")
            else:
                saida.append("F")
        return saida

    def linhas(self, ids: Sequence[int], tipos: Sequence[str], documentos: Sequence[str | None],
               primeiro_indice: int) -> Linhas:  # fmt: skip
        rng = random.Random(f"{self.semente}:{ids[0] if ids else 0}")  # noqa: S311
        rnd = rng.random
        out = Linhas()
        b = self.base
        agora = self.agora
        for k, (cid, tipo, documento) in enumerate(zip(ids, tipos, documentos, strict=True)):
            criado = self._criado_em(primeiro_indice + k, rnd())
            idade_cadastro = (agora - criado).total_seconds()
            atualizado = (
                criado + timedelta(seconds=rnd() * idade_cadastro) if rnd() < 0.4 else criado
            )
            if rnd() < PROPORCAO_SEM_CARTEIRA:
                carteira_id = representante_id = tabela_id = None
                cidades = self.cidades_todas
            else:
                (carteira_id, representante_id), tabela_id, cidades = self.carteiras(rnd())
            cidade: Cidade = cidades(rnd())
            pj = tipo in "JA"
            estrangeiro = tipo == "E"

            origem = self.origem(rnd())
            origem_id = b.origens[origem] if origem else None
            codigo_externo = f"{origem}-{cid:09d}" if origem in ("ERP", "ECOM") else ""

            if pj:
                seg = self.segmentos(rnd())
                s1 = self.sobrenome(rnd())
                r = rnd()
                s2 = self.sobrenome(rnd())
                if r < 0.2 and s2 != s1:
                    socios = f"{s1} & {s2}"
                elif r < 0.3:
                    socios = f"Irmãos {s1}"
                else:
                    socios = s1
                nome = seg[2].format(s=socios, c=cidade.nome)
                if seg[4] != "ORGAO":  # a city hall has no "Ltda"
                    nome += self.sufixos_pj(rnd())
                fantasia = seg[3].format(s=s1, c=cidade.nome)
                nascimento = date(1960, 1, 1) + timedelta(days=int(rnd() * 23_000))
                sexo = ""
                profissao = seg[1]
                cnae = seg[0]
                tipo_cliente_id = b.tipos_cliente[seg[4]]
                categoria = self.categoria_pj(rnd())
                categoria_id: int | None = b.categorias[categoria]
                indicador_ie = INDICADOR_IE[categoria]
                # (no check digits: each UF has its own IE algorithm and nothing here checks it)
                ie = (
                    f"{int(rnd() * 10 ** IE_DIGITOS[cidade.uf]):0{IE_DIGITOS[cidade.uf]}d}"
                    if indicador_ie == IndicadorIE.CONTRIBUINTE else ""
                )  # fmt: skip
                # Buys to resell or build with it → not the final consumer (NF-e indFinal).
                consumidor_final = seg[4] not in ("REV", "DIST")
                time_futebol = ""
                calcado = conjuge = None
                limite = f"{int(5 + rnd() ** 2 * 495) * 1000}.00" if rnd() < 0.85 else None
                primeiro_nome, ultimo_nome = s1, ""
            else:
                feminino = rnd() < 0.52
                if estrangeiro:
                    nomes = NOMES_ESTRANGEIROS_F if feminino else NOMES_ESTRANGEIROS_M
                    primeiro_nome = nomes[int(rnd() * len(nomes))]
                    ultimo_nome = SOBRENOMES_ESTRANGEIROS[int(rnd() * len(SOBRENOMES_ESTRANGEIROS))]
                    nome = f"{primeiro_nome} {ultimo_nome}"
                else:
                    primeiro_nome = (self.nome_f if feminino else self.nome_m)(rnd())
                    if rnd() < 0.12 and " " not in primeiro_nome:
                        nome = (
                            f"{primeiro_nome} {(self.nome_f if feminino else self.nome_m)(rnd())}"
                        )
                    else:
                        nome = primeiro_nome
                    ultimo_nome = self.sobrenome(rnd())
                    meio = self.sobrenome(rnd())
                    if rnd() < 0.8 and meio != ultimo_nome:
                        nome = f"{nome} {meio} {ultimo_nome}"
                    else:
                        nome = f"{nome} {ultimo_nome}"
                fantasia = ""
                idade = rng.triangular(18, 85, 34)
                nascimento = (agora - timedelta(days=idade * 365.25)).date()
                sexo = (
                    Sexo.NAO_INFORMADO.value if rnd() < 0.02
                    else (Sexo.FEMININO.value if feminino else Sexo.MASCULINO.value)
                )  # fmt: skip
                profissao = (
                    self.profissoes[int(rnd() * len(self.profissoes))] if rnd() < 0.85 else ""
                )
                cnae = ""
                tipo_cliente_id = b.tipos_cliente["CF" if rnd() < 0.93 else "REV"]
                categoria_id = b.categorias["NAOCONTRIB"] if rnd() < 0.9 else None
                indicador_ie, ie = IndicadorIE.NAO_CONTRIBUINTE.value, ""
                consumidor_final = tipo_cliente_id != b.tipos_cliente["REV"]
                time_futebol = self.times(rnd()) if rnd() < 0.75 else ""
                calcado = (
                    (33 + int(rnd() * 8) if feminino else 38 + int(rnd() * 8))
                    if rnd() < 0.6 else None
                )  # fmt: skip
                conjuge = (
                    nascimento + timedelta(days=int((rnd() - 0.5) * 3000))
                    if rnd() < 0.4 else None
                )  # fmt: skip
                limite = f"{int(5 + rnd() ** 2 * 145) * 100}.00" if rnd() < 0.8 else None

            canal = self.canal(rnd())
            tem_email = rnd() < 0.7
            if canal == CanalContato.EMAIL and not tem_email:
                canal = CanalContato.SMS_WHATSAPP.value
            out.cliente.append((
                cid, "J" if pj else "F", documento, estrangeiro, tipo_cliente_id, codigo_externo,
                origem_id, nome, fantasia, nascimento, sexo, profissao, time_futebol, calcado,
                conjuge, self.status(rnd()), self.scpc(rnd()), cnae, indicador_ie, ie,
                consumidor_final, categoria_id,
                representante_id, carteira_id, tabela_id, limite,
                CONVENIOS[int(rnd() * len(CONVENIOS))] if rnd() < 0.1 else "",
                not pj and rnd() < 0.25, rnd() < 0.1, canal,
                "Cliente atendido na feira regional." if rnd() < 0.02 else "", 1,
                criado, atualizado,
            ))  # fmt: skip

            self._enderecos(out, rnd, cid, cidade, cidades, pj, criado)
            self._telefones(out, rnd, cid, cidade, pj, criado)
            if tem_email:
                if pj:
                    valor = f"contato@{self._slug(fantasia)}{cid}.com.br"
                else:
                    valor = (
                        f"{self._slug(primeiro_nome)}.{self._slug(ultimo_nome)}{cid}"
                        f"@{self.dominios(rnd())}"
                    )
                out.contato_eletronico.append(
                    (cid, TipoContatoEletronico.EMAIL.value, valor, True, criado)
                )
            if pj and rnd() < 0.3:
                out.contato_eletronico.append((
                    cid, TipoContatoEletronico.SITE.value,
                    f"https://www.{self._slug(fantasia)}{cid}.com.br", False, criado,
                ))  # fmt: skip
            if pj and rnd() < 0.6:
                self._pessoas(out, rnd, cid, cidade, fantasia, criado)
            self._consentimentos(out, rnd, cid, tem_email, representante_id, criado)
            # Same shape as cadastro.services.cliente_criar's event (+ "demo": true).
            out.evento.append((
                cid, TipoEventoCliente.CRIADO.value, representante_id, criado, "Cadastro criado",
                _DADOS_CRIADO_IMPORTACAO if origem else _DADOS_CRIADO_TELA,
            ))  # fmt: skip
        return out

    def _endereco(self, rnd: Callable[[], float], cidade: Cidade) -> tuple[str, str, str]:
        if cidade.amostras and (rnd() < 0.35 or not (cidade.faixas or cidade.prefixo)):
            return cidade.amostras[int(rnd() * len(cidade.amostras))]
        logradouro = self.logradouros[int(rnd() * len(self.logradouros))]
        bairro = "Centro" if rnd() < 0.15 else self.bairros[int(rnd() * len(self.bairros))]
        if cidade.faixas:
            inicio, fim = cidade.faixas[int(rnd() * len(cidade.faixas))]
            prefixo = inicio // 1000 + int(rnd() * (fim // 1000 - inicio // 1000 + 1))
            cep = min(max(prefixo * 1000 + int(rnd() * 900), inicio), fim)
            return f"{cep:08d}", logradouro, bairro
        return cidade.prefixo + "000", logradouro, bairro

    def _enderecos(self, out: Linhas, rnd: Callable[[], float], cid: int, cidade: Cidade,
                   cidades: Sorteio[Cidade], pj: bool, criado: datetime) -> None:  # fmt: skip
        cep, logradouro, bairro = self._endereco(rnd, cidade)
        numero = "S/N" if rnd() < 0.03 else str(1 + int(rnd() ** 2 * 3000))
        complemento = COMPLEMENTOS[int(rnd() * len(COMPLEMENTOS))] if rnd() < 0.25 else ""
        out.endereco.append((
            cid, TipoEndereco.COMERCIAL.value if pj else TipoEndereco.PRINCIPAL.value, cep,
            logradouro, numero, complemento, bairro, cidade.codigo, cidade.uf, True, criado,
        ))  # fmt: skip
        if rnd() < 0.3:
            outra = cidade if rnd() < 0.8 else cidades(rnd())
            cep, logradouro, bairro = self._endereco(rnd, outra)
            tipo = TipoEndereco.ENTREGA if rnd() < 0.6 else TipoEndereco.COBRANCA
            out.endereco.append((
                cid, tipo.value, cep, logradouro, str(1 + int(rnd() * 2000)), "", bairro,
                outra.codigo, outra.uf, False, criado,
            ))  # fmt: skip

    def _numero(self, rnd: Callable[[], float], celular: bool) -> str:
        if celular:
            return f"9{6 + int(rnd() * 4)}{int(rnd() * 10_000_000):07d}"
        return f"{2 + int(rnd() * 4)}{int(rnd() * 10_000_000):07d}"

    def _telefones(self, out: Linhas, rnd: Callable[[], float], cid: int, cidade: Cidade,
                   pj: bool, criado: datetime) -> None:  # fmt: skip
        quantos = 2 if rnd() < 0.4 else 1
        for i in range(quantos):
            celular = (rnd() < 0.45) if pj and i == 0 else (i == 0 or rnd() < 0.3)
            if celular:
                tipo = TipoTelefone.CELULAR.value
            else:
                tipo = TipoTelefone.COMERCIAL.value if pj else TipoTelefone.FIXO.value
            out.telefone.append((
                cid, tipo, cidade.ddd, self._numero(rnd, celular),
                self.operadora(rnd()) if celular else "", celular and rnd() < 0.85, i == 0,
                criado,
            ))  # fmt: skip

    def _pessoas(self, out: Linhas, rnd: Callable[[], float], cid: int, cidade: Cidade,
                 fantasia: str, criado: datetime) -> None:  # fmt: skip
        dominio = f"{self._slug(fantasia)}{cid}.com.br"
        for _ in range(1 + int(rnd() * 2.2)):
            feminino = rnd() < 0.55
            primeiro = (self.nome_f if feminino else self.nome_m)(rnd())
            sobrenome = self.sobrenome(rnd())
            codigo, tipo_id = self.tipos_contato[int(rnd() * len(self.tipos_contato))]
            cargos = CARGOS_CONTATO.get(codigo, [("", "")])
            cargo = cargos[int(rnd() * len(cargos))][feminino]
            out.pessoa_contato.append((
                cid, f"{primeiro} {sobrenome}", tipo_id, cargo,
                f"{self._slug(primeiro)}.{self._slug(sobrenome)}@{dominio}" if rnd() < 0.8 else "",
                cidade.ddd + self._numero(rnd, rnd() < 0.6), criado,
            ))  # fmt: skip

    def _consentimentos(self, out: Linhas, rnd: Callable[[], float], cid: int, tem_email: bool,
                        ator_id: int | None, criado: datetime) -> None:  # fmt: skip
        origem = OrigemAlteracao.TELA.value if ator_id else OrigemAlteracao.IMPORTACAO.value
        restante = (self.agora - criado).total_seconds()
        for canal, chance in (
            (CanalContato.EMAIL.value, 0.65 if tem_email else 0.0),
            (CanalContato.SMS_WHATSAPP.value, 0.5),
            (CanalContato.TELEFONE.value, 0.3),
            (CanalContato.CARTA.value, 0.12),
        ):
            r = rnd()
            if r >= chance:
                if r < chance + 0.03:  # asked and refused at sign-up
                    out.consentimento.append((cid, canal, False, ator_id, origem, "", criado))
                continue
            quando = criado if rnd() < 0.7 else criado + timedelta(seconds=rnd() * restante * 0.5)
            out.consentimento.append((cid, canal, True, ator_id, origem, "", quando))
            if rnd() < 0.12:
                revogado = quando + timedelta(seconds=rnd() * (self.agora - quando).total_seconds())
                obs = OBSERVACOES_REVOGACAO[int(rnd() * len(OBSERVACOES_REVOGACAO))]
                out.consentimento.append((cid, canal, False, None, OrigemAlteracao.TELA.value,
                                          obs, revogado))  # fmt: skip


# --- writing ------------------------------------------------------------------------------


@dataclass
class ResumoDemo:
    clientes_novos: int = 0
    clientes_total: int = 0
    linhas: dict[str, int] = field(default_factory=dict)
    segundos: float = 0.0
    historico: bool = True
    pulado: bool = False

    def texto(self) -> str:
        if not self.pulado and not self.clientes_novos:
            return f"Base de demonstração conferida; nenhum cliente pedido. {self.segundos:.1f} s."
        if self.pulado:
            return (
                f"Base de demonstração conferida; {_milhar(self.clientes_total)} clientes já "
                f"existiam (--se-vazio): nada gerado. {self.segundos:.1f} s."
            )
        partes = ", ".join(f"{k}: {_milhar(v)}" for k, v in self.linhas.items())
        taxa = self.clientes_novos / self.segundos if self.segundos else 0
        hist = "com" if self.historico else "sem"
        return (
            f"{_milhar(self.clientes_novos)} clientes gerados em {self.segundos:.1f} s "
            f"({_milhar(round(taxa))}/s, {hist} histórico pghistory); total na base: "
            f"{_milhar(self.clientes_total)}.\nLinhas: {partes}."
        )


def _milhar(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _superusuario_do_banco() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cur.fetchone()[0])


def _reservar_ids(quantos: int, modelo: type[Any] = m.Cliente) -> list[int]:
    tabela = modelo._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [tabela, quantos],
        )
        return [linha[0] for linha in cur.fetchall()]


_DADOS_CRIADO_TELA = '{"origem": "tela", "demo": true}'
_DADOS_CRIADO_IMPORTACAO = '{"origem": "importacao", "demo": true}'
_ROTULOS_CANAL = {c.value: c.label for c in CanalContato}


def _numerar_consentimentos(linhas: Linhas) -> None:
    """Give the consent rows ids and mirror each on the timeline, like the consent service.

    `cadastro.services.consentimento_registrar` writes an EventoCliente pointing at the consent
    row's id, so the ids are reserved from the sequence before COPY.
    """
    sem_id = linhas.consentimento
    ids = _reservar_ids(len(sem_id), m.EventoConsentimento) if sem_id else []
    linhas.consentimento = [(i, *linha) for i, linha in zip(ids, sem_id, strict=True)]
    eventos = linhas.evento
    for i, (cid, canal, concedido, ator, origem, _obs, quando) in zip(ids, sem_id, strict=True):
        acao = "concedido" if concedido else "revogado"
        eventos.append((
            cid,
            TipoEventoCliente.CONSENTIMENTO_DADO.value if concedido
            else TipoEventoCliente.CONSENTIMENTO_REVOGADO.value,
            ator, quando, f"Consentimento {acao}: {_ROTULOS_CANAL[canal]}",
            f'{{"canal": "{canal}", "concedido": {"true" if concedido else "false"}, '
            f'"origem": "{origem}", "evento_consentimento": {i}, "demo": true}}',
        ))  # fmt: skip


def _candidatos(ids: Sequence[int], tipos: Sequence[str]) -> list[str | None]:
    """First-choice demo documents of the ids (pure: no database)."""
    docs: list[str | None] = [None] * len(ids)
    usados: set[str] = set()
    for i, (cid, tipo) in enumerate(zip(ids, tipos, strict=True)):
        if tipo == "E":
            continue
        tentativa = 0
        doc = documento_demo(cid, tipo)
        while doc is None or doc in usados:
            tentativa += 1
            doc = documento_demo(cid, tipo, tentativa)
        docs[i] = doc
        usados.add(doc)
    return docs


def _liberar_documentos(
    ids: Sequence[int], tipos: Sequence[str], docs: list[str | None]
) -> list[int]:
    """Re-draw, in place, the documents already in the database (a client typed in by hand).

    Returns the positions that changed (almost always none: demo documents are a bijection
    of fresh ids, so only hand-made clients can hold them).
    """
    pendentes = [i for i, doc in enumerate(docs) if doc]
    tentativas: dict[int, int] = {}
    mudados: list[int] = []
    for _ in range(20):
        with connection.cursor() as cur:
            cur.execute(
                "SELECT documento FROM cadastro_cliente WHERE documento = ANY(%s)",
                [[docs[i] for i in pendentes]],
            )
            ocupados = {linha[0] for linha in cur.fetchall()}
        pendentes = [i for i in pendentes if docs[i] in ocupados]
        if not pendentes:
            return mudados
        usados = {doc for doc in docs if doc} | ocupados
        for i in pendentes:
            doc = None
            while doc is None or doc in usados:
                tentativas[i] = tentativas.get(i, 0) + 1
                doc = documento_demo(ids[i], tipos[i], tentativas[i])
            docs[i] = doc
            usados.add(doc)
            mudados.append(i)
    raise RuntimeError("Não foi possível gerar documentos únicos para os clientes de demonstração.")


def _documentos(ids: Sequence[int], tipos: Sequence[str]) -> list[str | None]:
    """Demo documents for the ids, free in the database."""
    docs = _candidatos(ids, tipos)
    _liberar_documentos(ids, tipos, docs)
    return docs


MODELOS_COPY = {
    "cliente": m.Cliente, "endereco": m.Endereco, "telefone": m.Telefone,
    "contato_eletronico": m.ContatoEletronico, "pessoa_contato": m.PessoaContato,
    "consentimento": m.EventoConsentimento, "evento": m.EventoCliente,
}  # fmt: skip

PlanoCopia = dict[str, tuple[sql.Composed, tuple[Any, ...]]]


def _plano_copia() -> PlanoCopia:
    """COPY statement per table: the columns the generator fills, then every other NOT NULL
    column with its model default, so a field added later with a default doesn't break the
    demo (COPY bypasses Django, and Django sets no database defaults). A new required field
    without a default stops here with a message saying where to teach it.
    """
    plano: PlanoCopia = {}
    for nome, (tabela, colunas) in TABELAS_COPY.items():
        extras_colunas: list[str] = []
        extras: list[Any] = []
        for campo in MODELOS_COPY[nome]._meta.concrete_fields:
            coluna = campo.column  # never None for a concrete field
            if coluna is None or coluna in colunas or campo.primary_key or campo.null:
                continue
            if getattr(campo, "auto_now", False) or getattr(campo, "auto_now_add", False):
                valor = timezone.now()
            elif campo.has_default():
                valor = campo.get_db_prep_save(campo.get_default(), connection)
            else:
                raise RuntimeError(
                    f"{campo.model.__name__}.{campo.name} é obrigatório e não tem default: "
                    "ensine cadastro/demo.py a gerá-lo."
                )
            extras_colunas.append(coluna)
            extras.append(valor)
        comando = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(tabela),
            sql.SQL(", ").join(map(sql.Identifier, [*colunas, *extras_colunas])),
        )
        plano[nome] = (comando, tuple(extras))
    return plano


def _copiar(conexao: Any, linhas: Linhas, plano: PlanoCopia) -> None:
    """COPY every table of one chunk through a raw psycopg connection (thread-safe)."""
    for nome, (comando, extras) in plano.items():
        if not (tuplas := getattr(linhas, nome)):
            continue
        with conexao.cursor() as cur, cur.copy(comando) as copia:
            if extras:
                for tupla in tuplas:
                    copia.write_row(tupla + extras)
            else:
                for tupla in tuplas:
                    copia.write_row(tupla)


@contextmanager
def _gatilhos(*, historico: bool, contexto: str) -> Iterator[None]:
    """Inside a transaction: how the row triggers behave while demo data is copied in.

    historico=False: skip row triggers (pghistory) and FK checks (session_replication_role),
    restored on the way out.

    historico=True: keep them, but define the settings the pgtrigger/pghistory trigger
    functions read. Unset, `current_setting()` raises inside an EXCEPTION block on every row,
    and those aborted subtransactions make a big transaction quadratic (measured: 16,000
    inserted rows 7.4 s; with the settings 1.2 s, and 64,000 rows 4.7 s). The context also
    labels the history rows as demo data.
    """
    with connection.cursor() as cur:
        if historico:
            cur.execute(
                "SELECT set_config('pgtrigger.ignore', '{}', true),"
                " set_config('pghistory.context_id', %s, true),"
                " set_config('pghistory.context_metadata', %s, true)",
                [contexto, '{"origem": "sistema", "fonte": "gerar_demo"}'],
            )
            yield
            return
        cur.execute("SELECT current_setting('session_replication_role')")
        antes = cur.fetchone()[0]
        cur.execute("SET LOCAL session_replication_role = replica")
    yield
    # Restored only on success: on an error the enclosing atomic() rolls back, and that
    # undoes SET LOCAL by itself (the aborted transaction would refuse this statement anyway).
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('session_replication_role', %s, true)", [antes])


def _indices_secundarios() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain indexes of the tables demo writes.

    Unique and constraint indexes stay: they guard the data (the document check reads the
    unique index on documento) and are cheap here (pk and external code grow with the id).
    """
    tabelas = [tabela for tabela, _ in TABELAS_COPY.values()]
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT i.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
            WHERE ix.indrelid = ANY(%s::regclass[])
              AND NOT ix.indisunique AND NOT ix.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            ORDER BY i.relname
            """,
            [tabelas],
        )
        return list(cur.fetchall())


def gerar_clientes(
    quantidade: int,
    *,
    base: BaseDemo,
    semente: int = SEMENTE_PADRAO,
    lote: int = LOTE_PADRAO,
    historico: bool | None = None,
    massa: bool | None = None,
    progresso: Callable[[str], None] | None = None,
) -> ResumoDemo:
    """Write `quantidade` clients with all their children.

    `historico=None` keeps the pghistory triggers only when the DB user can't disable them;
    `historico=False` requires a superuser DB role (session_replication_role).

    Small loads commit one transaction per chunk. A mass load (`massa`; by default from
    LIMIAR_MASSA clients on, without history) runs in ONE transaction that drops the plain
    indexes of the touched tables, loads, and recreates them: building an index once is
    far cheaper than maintaining it row by row (1M clients, similar load: 335 s → 165 s wall;
    per 100k, Postgres CPU 8.3 s → 5.0 s). Being one
    transaction, an interrupted load leaves neither rows nor missing indexes; but the tables
    are locked (ACCESS EXCLUSIVE) until it commits.
    """
    inicio = time.monotonic()
    superusuario = _superusuario_do_banco()
    if historico is None:
        historico = not superusuario
    if not historico and not superusuario:
        raise RuntimeError("Gerar sem histórico exige um usuário superusuário no Postgres.")
    gerador = GeradorClientes(base, carregar_cidades(), semente=semente, total=quantidade)
    resumo = ResumoDemo(historico=historico, linhas=dict.fromkeys(TABELAS_COPY, 0))
    contexto = str(uuid.uuid4())  # one pghistory context for the whole run
    plano = _plano_copia()

    lotes = [(feitos, min(lote, quantidade - feitos)) for feitos in range(0, quantidade, lote)]

    def preparar(feitos: int, ids: list[int]) -> tuple[list[str], list[str | None], Linhas]:
        tipos = gerador.tipos(ids)
        docs = _candidatos(ids, tipos)
        return tipos, docs, gerador.linhas(ids, tipos, docs, feitos)

    def escrever_todos(transacao_por_lote: bool) -> None:
        """Pipeline: while a thread COPYs chunk k, this thread builds chunk k+1 in Python.

        Generating rows is pure Python and COPY mostly waits on Postgres, so on 2 cores the
        two overlap. Only the COPY thread touches the connection while it runs.
        """
        connection.ensure_connection()
        conexao = connection.connection
        ids = _reservar_ids(lotes[0][1])
        pronto = preparar(lotes[0][0], ids)
        with ThreadPoolExecutor(max_workers=1) as copiador:
            for k, (feitos, n) in enumerate(lotes):
                por_lote = transaction.atomic() if transacao_por_lote else nullcontext()
                gatilhos = (
                    _gatilhos(historico=historico, contexto=contexto)
                    if transacao_por_lote else nullcontext()
                )  # fmt: skip
                with por_lote, gatilhos:
                    tipos, docs, linhas = pronto
                    for i in _liberar_documentos(ids, tipos, docs):
                        linha = linhas.cliente[i]
                        linhas.cliente[i] = (*linha[:2], docs[i], *linha[3:])
                    _numerar_consentimentos(linhas)
                    proximo = lotes[k + 1] if k + 1 < len(lotes) else None
                    proximos_ids = _reservar_ids(proximo[1]) if proximo else []
                    futuro = copiador.submit(_copiar, conexao, linhas, plano)
                    try:
                        if proximo:
                            pronto = preparar(proximo[0], proximos_ids)
                    finally:
                        futuro.result()
                for nome in TABELAS_COPY:
                    resumo.linhas[nome] += len(getattr(linhas, nome))
                ids = proximos_ids
                if progresso:
                    decorrido = time.monotonic() - inicio
                    progresso(
                        f"  {_milhar(feitos + n)}/{_milhar(quantidade)} clientes "
                        f"({decorrido:.1f} s)"
                    )

    if massa is None:
        massa = not historico and quantidade >= LIMIAR_MASSA
    if massa and historico:
        raise ValueError("A carga em massa (sem índices) não grava histórico.")
    if massa and lotes:
        with transaction.atomic(), _gatilhos(historico=False, contexto=contexto):
            indices = _indices_secundarios()
            with connection.cursor() as cur:
                for nome, _ in indices:
                    cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(nome)))
            escrever_todos(transacao_por_lote=False)
            antes = time.monotonic()
            with connection.cursor() as cur:
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for _, definicao in indices:
                    cur.execute(definicao)
            if progresso:
                progresso(f"  {len(indices)} índices recriados em {time.monotonic() - antes:.1f} s")
    elif lotes:
        escrever_todos(transacao_por_lote=True)
    with connection.cursor() as cur:
        for tabela, _ in TABELAS_COPY.values():
            cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(tabela)))
    resumo.clientes_novos = quantidade
    resumo.clientes_total = m.Cliente.objects.count()
    resumo.segundos = time.monotonic() - inicio
    return resumo


def gerar_demo(
    *,
    clientes: int,
    se_vazio: bool = False,
    semente: int = SEMENTE_PADRAO,
    lote: int = LOTE_PADRAO,
    historico: bool | None = None,
    progresso: Callable[[str], None] | None = None,
) -> ResumoDemo:
    """The base set (always) and `clientes` new clients (unless `se_vazio` and some exist)."""
    inicio = time.monotonic()
    base = garantir_base()
    if clientes <= 0 or (se_vazio and m.Cliente.objects.exists()):
        return ResumoDemo(
            clientes_total=m.Cliente.objects.count(),
            segundos=time.monotonic() - inicio,
            pulado=clientes > 0,
        )
    resumo = gerar_clientes(
        clientes, base=base, semente=semente, lote=lote, historico=historico, progresso=progresso
    )
    resumo.segundos = time.monotonic() - inicio
    return resumo
