"""factory_boy factories shared by every app's tests (Faker pt_BR)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from cadastro import models as m
from cadastro.constants import TipoContatoEletronico, TipoPessoa
from contas.models import Empresa, Equipe, Usuario
from crm.documentos import gerar_cnpj, gerar_cpf

_seq = itertools.count(100_000_001)


class EmpresaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Empresa
        django_get_or_create = ("cnpj",)

    nome = "Distribuidora Exemplo Ltda"
    cnpj = factory.LazyFunction(lambda: gerar_cnpj(next(_seq)))
    uf = "SP"
    regime_tributario = "real"


class UsuarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usuario
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = factory.Faker("first_name", locale="pt_BR")
    last_name = factory.Faker("last_name", locale="pt_BR")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemplo.com.br")
    password = factory.django.Password("senha-forte-123")
    empresa = factory.SubFactory(EmpresaFactory)

    @factory.post_generation
    def papel(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class EquipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipe

    nome = factory.Sequence(lambda n: f"Equipe {n}")
    supervisor = factory.SubFactory(UsuarioFactory, papel="Supervisor")


class CarteiraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Carteira

    codigo = factory.Sequence(lambda n: f"C{n:04d}")
    nome = factory.Sequence(lambda n: f"Carteira {n}")
    representante = factory.SubFactory(UsuarioFactory, papel="Representante")


def _aux(model: type, codigo: str, descricao: str, **extra: object):
    obj, _ = model.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao, **extra})
    return obj


class ClienteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Cliente

    tipo_pessoa = TipoPessoa.FISICA
    documento = factory.LazyFunction(lambda: gerar_cpf(next(_seq)))
    tipo_cliente = factory.LazyFunction(lambda: _aux(m.TipoCliente, "CF", "Consumidor final"))
    status = factory.LazyFunction(lambda: _aux(m.StatusCliente, "ATIVO", "Ativo"))
    nome = factory.Faker("name", locale="pt_BR")
    carteira = factory.SubFactory(CarteiraFactory)

    class Params:
        juridica = factory.Trait(
            tipo_pessoa=TipoPessoa.JURIDICA,
            documento=factory.LazyFunction(lambda: gerar_cnpj(next(_seq))),
            nome=factory.Faker("company", locale="pt_BR"),
        )


class TelefoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Telefone

    cliente = factory.SubFactory(ClienteFactory)
    tipo = "celular"
    ddd = "11"
    numero = factory.Sequence(lambda n: f"9{n % 100_000_000:08d}")


class EmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ContatoEletronico

    cliente = factory.SubFactory(ClienteFactory)
    tipo = TipoContatoEletronico.EMAIL
    valor = factory.Sequence(lambda n: f"cliente{n}@exemplo.com.br")


class TituloReceberFactory(factory.django.DjangoModelFactory):
    """An open title (not due for a month) of a new client; override what the test is about."""

    class Meta:
        model = m.TituloReceber

    empresa = factory.SubFactory(EmpresaFactory)
    cliente = factory.SubFactory(ClienteFactory)
    documento = factory.Sequence(lambda n: f"NF{n:06d}")
    parcela = "1"
    especie = "duplicata"
    emissao = factory.LazyFunction(lambda: _hoje() - dt.timedelta(days=5))
    vencimento = factory.LazyFunction(lambda: _hoje() + dt.timedelta(days=30))
    valor = Decimal("100.00")
    valor_pago = Decimal("0.00")
    pago_em = None


def _hoje() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


# --- atendimento (tickets) ------------------------------------------------------------------


class TipoChamadoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "atendimento.TipoChamado"
        django_get_or_create = ("codigo",)

    codigo = factory.Sequence(lambda n: f"TIPO{n}")
    descricao = factory.Sequence(lambda n: f"Tipo de chamado {n}")
    prazo_horas = 48


class MotivoChamadoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "atendimento.MotivoChamado"
        django_get_or_create = ("codigo",)

    codigo = factory.Sequence(lambda n: f"MOT{n}")
    descricao = factory.Sequence(lambda n: f"Motivo {n}")
    tipo = factory.SubFactory(TipoChamadoFactory)


class CanalAtendimentoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "atendimento.CanalAtendimento"
        django_get_or_create = ("codigo",)

    codigo = "TEL"
    descricao = "Telefone"


class ChamadoFactory(factory.django.DjangoModelFactory):
    """A ticket row without the services (lists, counts); tests of behaviour use the services."""

    class Meta:
        model = "atendimento.Chamado"

    cliente = factory.SubFactory(ClienteFactory)
    aberto_por = factory.SubFactory(UsuarioFactory, papel="Atendente SAC")
    empresa = factory.LazyAttribute(lambda o: o.aberto_por.empresa)
    numero = factory.Sequence(lambda n: 1_000_000 + n)
    canal = factory.SubFactory(CanalAtendimentoFactory)
    motivo = factory.SubFactory(MotivoChamadoFactory)
    tipo = factory.LazyAttribute(lambda o: o.motivo.tipo)
    forma = "passivo"
    assunto = factory.Sequence(lambda n: f"Reclamação {n}")
    descricao = "Cliente relata problema na entrega."
