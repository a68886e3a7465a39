"""`manage.py gerar_demo` / `cadastro.demo`: demo and scale data (issue 3, §6)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import psycopg
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cadastro import models as m
from cadastro.demo import (
    CARTEIRAS_DEMO,
    DDDS_UF,
    USUARIOS_DEMO,
    _documentos,
    documento_demo,
    garantir_base,
    gerar_clientes,
    gerar_demo,
)
from cadastro.geografia import consultar_cep
from cadastro.services import validar_dados_cliente
from contas.models import Equipe, Usuario
from crm.documentos import validar_cnpj, validar_cpf, validar_fone
from tests.factories import ClienteFactory

pytestmark = pytest.mark.django_db

N = 50


@pytest.fixture
def demo():
    return gerar_demo(clientes=N, semente=7)


def _contagens() -> dict[str, int]:
    modelos = [
        m.Cliente, m.Endereco, m.Telefone, m.ContatoEletronico, m.PessoaContato,
        m.EventoConsentimento, m.EventoCliente, m.Carteira, m.TipoCliente, m.StatusCliente,
        m.SituacaoSCPC, m.CategoriaFiscal, m.Origem, m.TipoContato, m.TabelaVenda, Usuario,
        Equipe,
    ]  # fmt: skip
    return {modelo.__name__: modelo.objects.count() for modelo in modelos}


def test_gera_n_clientes_com_filhos_e_evento_criado(demo):
    # given/when a demo run of N clients
    # then the counts add up and every client has its children
    assert demo.clientes_novos == N
    assert m.Cliente.objects.count() == N
    assert demo.linhas["cliente"] == N
    por_cliente = Counter(m.Endereco.objects.values_list("cliente_id", flat=True))
    assert set(por_cliente) == set(m.Cliente.objects.values_list("pk", flat=True))
    assert set(por_cliente.values()) <= {1, 2}
    fones = Counter(m.Telefone.objects.values_list("cliente_id", flat=True))
    assert len(fones) == N
    assert set(fones.values()) <= {1, 2}
    criados = m.EventoCliente.objects.filter(tipo="criado")
    assert criados.count() == N
    assert set(criados.values_list("cliente_id", flat=True)) == set(
        m.Cliente.objects.values_list("pk", flat=True)
    )
    assert demo.linhas["endereco"] == m.Endereco.objects.count()
    assert demo.linhas["consentimento"] == m.EventoConsentimento.objects.count() > 0


def test_documentos_validos_e_unicos(demo):
    # given the demo clients
    clientes = list(m.Cliente.objects.values_list("tipo_pessoa", "documento", "estrangeiro"))
    documentos = [doc for _, doc, _ in clientes if doc]
    # then every document is valid for its type, and unique
    assert len(documentos) == len(set(documentos))
    for tipo, doc, estrangeiro in clientes:
        if estrangeiro:
            assert doc is None
        elif tipo == "F":
            assert validar_cpf(doc) == doc
        else:
            assert validar_cnpj(doc) == doc
    tipos = Counter(tipo for tipo, _, _ in clientes)
    assert tipos["F"] > tipos["J"] > 0  # ~80/20


def test_cnpj_alfanumerico_e_documentos_sao_unicos_por_id():
    # given many ids
    ids = range(1, 5001)
    # when documents are derived from them
    alfa = [documento_demo(i, "A") for i in ids]
    cpfs = [documento_demo(i, "F") for i in ids]
    cnpjs = [documento_demo(i, "J") for i in ids]
    # then all are valid and distinct, and the alphanumeric ones carry letters
    assert len(set(alfa)) == len(set(cpfs) - {None}) == len(set(cnpjs)) == 5000
    for doc in alfa:
        assert validar_cnpj(doc) == doc
        assert not doc.isdigit()
    for doc in cnpjs:
        assert validar_cnpj(doc) == doc
    for doc in cpfs:
        assert validar_cpf(doc) == doc


def test_documento_ja_cadastrado_e_sorteado_de_novo():
    # given a client typed in by hand that holds the document demo would give id 123
    ocupado = documento_demo(123, "F")
    ClienteFactory(documento=ocupado)
    # when demo documents are drawn for id 123
    (novo,) = _documentos([123], ["F"])
    # then it picks another valid CPF
    assert novo != ocupado
    assert validar_cpf(novo) == novo


def test_todo_cliente_passa_na_validacao_do_servico(demo):
    # given the demo clients, when the service's own cross-field rules check each one
    for cliente in m.Cliente.objects.all():
        validar_dados_cliente(cliente)  # then none is refused (raises ValidationError)


def test_dados_fiscais_coerentes(demo):
    categorias = dict(m.CategoriaFiscal.objects.values_list("pk", "codigo"))
    esperado = {"CONTRIB": "1", "ISENTO": "2", "NAOCONTRIB": "9", None: "9"}
    clientes = list(m.Cliente.objects.select_related("tipo_cliente"))
    for c in clientes:
        assert c.indicador_ie == esperado[categorias.get(c.categoria_fiscal_id)]
        assert bool(c.inscricao_estadual) == (c.indicador_ie == "1")
        # whoever buys to resell is not the final consumer (NF-e indFinal)
        assert c.consumidor_final == (c.tipo_cliente.codigo not in ("REV", "DIST"))
    assert any(c.indicador_ie == "1" for c in clientes)


def test_todo_cliente_tem_status_tipo_e_carteira_coerente(demo):
    clientes = m.Cliente.objects.select_related("carteira")
    assert all(c.status_id and c.tipo_cliente_id for c in clientes)
    for c in clientes:
        if c.carteira_id:
            assert c.representante_id == c.carteira.representante_id
        else:
            assert c.representante_id is None
    assert m.Cliente.objects.filter(carteira__isnull=False).count() > N * 0.8
    codigos = {c.codigo for c in CARTEIRAS_DEMO}
    assert set(m.Carteira.objects.values_list("codigo", flat=True)) == codigos


def test_enderecos_em_municipios_reais_com_cep_plausivel(demo):
    # given the demo addresses
    enderecos = list(m.Endereco.objects.select_related("municipio"))
    assert enderecos
    for e in enderecos:
        # then each one points to a real municipality of its UF
        assert e.municipio is not None
        assert e.municipio.uf == e.uf
        assert len(e.cep) == 8 and e.cep.isdigit()
        assert e.logradouro and e.bairro
        # and the local CEP lookup agrees with the address (never another town)
        achado = consultar_cep(e.cep)
        assert achado.uf == e.uf, (e.cep, e.municipio)
        if achado.municipio_id:
            assert achado.municipio_id == e.municipio_id, (e.cep, e.municipio)


def test_telefones_validos_para_a_uf(demo):
    for fone in m.Telefone.objects.select_related("cliente"):
        uf = fone.cliente.enderecos.get(principal=True).uf
        assert fone.ddd in DDDS_UF[uf].split()
        assert validar_fone(fone.ddd + fone.numero) == fone.ddd + fone.numero


def test_emails_minusculos_e_unicos(demo):
    emails = list(m.ContatoEletronico.objects.filter(tipo="email").values_list("valor", flat=True))
    assert N * 0.5 < len(emails) < N * 0.9  # ~70 %
    assert len(set(emails)) == len(emails)
    assert all(e == e.lower() and "@" in e for e in emails)


def test_cada_consentimento_aparece_na_linha_do_tempo(demo):
    # given the consent log of the demo clients
    consentimentos = {ev.pk: ev for ev in m.EventoConsentimento.objects.all()}
    # then each one has its timeline event, shaped like consentimento_registrar's
    eventos = m.EventoCliente.objects.filter(
        tipo__in=["consentimento_dado", "consentimento_revogado"]
    )
    assert eventos.count() == len(consentimentos) > 0
    for ev in eventos:
        consentimento = consentimentos[ev.dados["evento_consentimento"]]
        assert ev.cliente_id == consentimento.cliente_id
        assert ev.quando == consentimento.quando
        assert ev.dados["concedido"] is consentimento.concedido
        assert ev.dados["canal"] == consentimento.canal
        assert ev.tipo == (
            "consentimento_dado" if consentimento.concedido else "consentimento_revogado"
        )
        assert ev.descricao.startswith("Consentimento ")


def test_revogacao_vem_depois_da_concessao(demo):
    eventos = m.EventoConsentimento.objects.order_by("cliente_id", "canal", "quando", "pk")
    ultimo: dict[tuple[int, str], bool] = {}
    for ev in eventos:
        chave = (ev.cliente_id, ev.canal)
        if chave in ultimo and not ev.concedido:
            assert ultimo[chave] is True  # a revocation follows a grant
        ultimo[chave] = ev.concedido
    assert any(ultimo.values())


def test_criado_em_espalhado_nos_ultimos_tres_anos(demo):
    agora = timezone.now()
    datas = list(m.Cliente.objects.order_by("pk").values_list("criado_em", flat=True))
    assert min(datas) >= agora - timedelta(days=3 * 366)
    assert max(datas) <= agora
    assert datas == sorted(datas)  # ids grow with the sign-up date
    ultimo_ano = sum(d >= agora - timedelta(days=365) for d in datas)
    primeiro_ano = sum(d < agora - timedelta(days=730) for d in datas)
    assert ultimo_ano > primeiro_ano  # a growing base


def test_se_vazio_e_idempotente():
    # given a first run
    gerar_demo(clientes=N, se_vazio=True, semente=7)
    antes = _contagens()
    # when it runs again, twice, with --se-vazio
    saida = io.StringIO()
    call_command("gerar_demo", "--clientes", str(N), "--se-vazio", stdout=saida)
    resumo = gerar_demo(clientes=N, se_vazio=True, semente=7)
    # then nothing changes
    assert _contagens() == antes
    assert resumo.pulado
    assert "nada gerado" in saida.getvalue()


def test_sem_se_vazio_acrescenta_com_documentos_novos():
    gerar_demo(clientes=20, semente=1)
    gerar_demo(clientes=20, semente=1)
    docs = [d for d in m.Cliente.objects.values_list("documento", flat=True) if d]
    assert m.Cliente.objects.count() == 40
    assert len(docs) == len(set(docs))
    assert m.Carteira.objects.count() == len(CARTEIRAS_DEMO)


def test_logins_de_demonstracao(demo):
    for dados in USUARIOS_DEMO:
        # when each demo user logs in with the fixed password
        usuario = authenticate(username=dados.username, password=dados.senha)
        # then it authenticates and holds exactly its role
        assert usuario is not None, dados.username
        assert list(usuario.groups.values_list("name", flat=True)) == [dados.papel]
        assert not usuario.is_superuser
        assert usuario.get_full_name() == f"{dados.nome} {dados.sobrenome}"
    admin = Usuario.objects.get(username="admin")
    assert admin.is_staff
    assert admin.has_perm("cadastro.ver_todos_clientes")
    sul = Equipe.objects.get(nome="Equipe Sul")
    assert sul.supervisor.username == "supervisor"
    assert set(sul.membros.values_list("username", flat=True)) == {"rep1", "rep2"}
    norte = Equipe.objects.get(nome="Equipe Norte")
    assert norte.supervisor.username == "supervisor2"
    assert set(norte.membros.values_list("username", flat=True)) == {"rep3"}
    for rep in ("rep1", "rep2", "rep3"):
        assert 1 <= m.Carteira.objects.filter(representante__username=rep).count() <= 2


def test_visibilidade_dos_logins_demo(demo):
    rep1 = Usuario.objects.get(username="rep1")
    visiveis = m.Cliente.objects.visiveis_para(rep1)
    assert visiveis.exists()
    assert set(visiveis.values_list("representante_id", flat=True)) == {rep1.pk}
    sac = Usuario.objects.get(username="sac")
    assert (
        m.Cliente.objects.visiveis_para(sac).count()
        == m.Cliente.objects.filter(carteira__isnull=False).count()
    )


def test_usuario_existente_nao_tem_senha_trocada():
    # given someone changed the demo admin's password
    gerar_demo(clientes=0)
    admin = Usuario.objects.get(username="admin")
    admin.set_password("outra-senha-123")
    admin.save()
    # when the base set is ensured again
    gerar_demo(clientes=0)
    # then the change is kept
    assert authenticate(username="admin", password="outra-senha-123") is not None


def _papel_replicacao() -> str:
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        return cur.fetchone()[0]


def test_sem_historico_por_padrao_e_gatilhos_voltam(demo):
    # given the test DB role is a superuser, the default skips pghistory triggers
    assert demo.historico is False
    assert m.Cliente.pgh_event_model.objects.count() == 0
    # then the session is back to normal and later writes are tracked again
    assert _papel_replicacao() == "origin"
    cliente = m.Cliente.objects.first()
    cliente.nome = "Nome Alterado"
    cliente.save()
    assert m.Cliente.pgh_event_model.objects.filter(pgh_obj_id=cliente.pk).count() == 1


def test_com_historico_grava_eventos_pghistory():
    resumo = gerar_demo(clientes=10, historico=True)
    assert resumo.historico is True
    assert m.Cliente.pgh_event_model.objects.count() == 10
    # all in one pghistory context that says where they came from
    eventos = m.Cliente.pgh_event_model.objects
    assert eventos.values("pgh_context_id").distinct().count() == 1
    assert eventos.first().pgh_context.metadata == {"origem": "sistema", "fonte": "gerar_demo"}
    assert m.Endereco.pgh_event_model.objects.count() == m.Endereco.objects.count()


def test_comando_imprime_resumo_e_logins():
    saida = io.StringIO()
    call_command("gerar_demo", "--clientes", "15", "--lote", "4", stdout=saida)
    texto = saida.getvalue()
    assert "15 clientes gerados" in texto
    assert "rep1" in texto and "demo1234" in texto
    assert m.Cliente.objects.count() == 15


def _indices() -> set[tuple[str, str]]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'cadastro\\_%%'"
        )
        return set(cur.fetchall())


def test_carga_em_massa_recria_os_mesmos_indices():
    # given the indexes before a mass load
    antes = _indices()
    base = garantir_base()
    # when a (small) mass load drops and rebuilds the plain indexes
    resumo = gerar_clientes(30, base=base, massa=True, lote=7)
    # then every index is back, identical, and the data is whole
    assert _indices() == antes
    assert resumo.clientes_novos == m.Cliente.objects.count() == 30
    assert m.EventoCliente.objects.filter(tipo="criado").count() == 30
    assert _papel_replicacao() == "origin"


def test_carga_em_massa_nao_combina_com_historico():
    with pytest.raises(ValueError, match="histórico"):
        gerar_clientes(5, base=garantir_base(), massa=True, historico=True)


def test_carga_em_massa_interrompida_nao_deixa_nada(monkeypatch):
    # given a mass load whose database work fails on the second chunk
    from cadastro import demo as modulo

    copiar = modulo._copiar
    chamadas = []

    def copiar_e_falhar(conexao, linhas, plano):
        chamadas.append(1)
        if len(chamadas) == 2:
            conexao.execute("SELECT 1 / 0")  # a real database error mid-load
        copiar(conexao, linhas, plano)

    monkeypatch.setattr(modulo, "_copiar", copiar_e_falhar)
    antes = _indices()
    base = garantir_base()
    # when it runs
    # (the COPY thread talks to psycopg directly, so the error is psycopg's own)
    with pytest.raises(psycopg.errors.DivisionByZero):
        gerar_clientes(20, base=base, massa=True, lote=5)
    # then no client was kept and every index is still there
    assert m.Cliente.objects.count() == 0
    assert m.Endereco.objects.count() == 0
    assert _indices() == antes
    assert _papel_replicacao() == "origin"


def test_so_a_base_quando_nenhum_cliente_pedido():
    saida = io.StringIO()
    call_command("gerar_demo", stdout=saida)
    assert "nenhum cliente pedido" in saida.getvalue()
    assert m.Cliente.objects.count() == 0
    assert Usuario.objects.filter(username__in=[u.username for u in USUARIOS_DEMO]).count() == 7


def test_plano_de_copia_preenche_defaults_e_recusa_obrigatorio_sem_default(monkeypatch):
    from cadastro import demo as modulo

    tabela, colunas = modulo.TABELAS_COPY["cliente"]
    # given the generator didn't know two NOT NULL fields that have model defaults
    sem = tuple(c for c in colunas if c not in ("consumidor_final", "versao"))
    monkeypatch.setattr(modulo, "TABELAS_COPY", {"cliente": (tabela, sem)})
    comando, extras = modulo._plano_copia()["cliente"]
    # then COPY lists them and sends their defaults
    assert extras == (True, 1)
    assert '"consumidor_final", "versao"' in comando.as_string(connection.connection)
    # and a required field without a default is refused with a clear message
    monkeypatch.setattr(modulo, "TABELAS_COPY", {"cliente": (tabela, ("id",))})
    with pytest.raises(RuntimeError, match=r"Cliente\.tipo_pessoa é obrigatório"):
        modulo._plano_copia()
