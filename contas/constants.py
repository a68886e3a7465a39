"""Role names (Django groups). The permissions of each live in the data migration."""

from django.db import models


class Papel(models.TextChoices):
    REPRESENTANTE = "Representante", "Representante"
    SUPERVISOR = "Supervisor", "Supervisor"
    ATENDENTE_SAC = "Atendente SAC", "Atendente SAC"
    ADMINISTRADOR = "Administrador", "Administrador"


class RegimeTributario(models.TextChoices):
    SIMPLES = "simples", "Simples Nacional"
    PRESUMIDO = "presumido", "Lucro Presumido"
    REAL = "real", "Lucro Real"


UFS = [
    ("AC", "Acre"), ("AL", "Alagoas"), ("AP", "Amapá"), ("AM", "Amazonas"), ("BA", "Bahia"),
    ("CE", "Ceará"), ("DF", "Distrito Federal"), ("ES", "Espírito Santo"), ("GO", "Goiás"),
    ("MA", "Maranhão"), ("MT", "Mato Grosso"), ("MS", "Mato Grosso do Sul"),
    ("MG", "Minas Gerais"), ("PA", "Pará"), ("PB", "Paraíba"), ("PR", "Paraná"),
    ("PE", "Pernambuco"), ("PI", "Piauí"), ("RJ", "Rio de Janeiro"),
    ("RN", "Rio Grande do Norte"), ("RS", "Rio Grande do Sul"), ("RO", "Rondônia"),
    ("RR", "Roraima"), ("SC", "Santa Catarina"), ("SP", "São Paulo"), ("SE", "Sergipe"),
    ("TO", "Tocantins"),
]  # fmt: skip
SIGLAS_UF = frozenset(sigla for sigla, _ in UFS)
