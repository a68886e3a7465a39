"""`manage.py importar_clientes ARQUIVO.xlsx [--usuario U] [--erros SAIDA.xlsx]`

Runs the same job as the "Importar clientes" screen, in this process (no worker needed):
the same checks of the file, the same batches, history and timeline events, and a job row
that shows up in the list of imports. Exit code 0 when every row was imported, 1 when some
were rejected, 2 when the file was refused or the job failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from contas.models import Usuario
from crm.arquivos import ArquivoRecusado
from importacoes.constants import StatusImportacao
from importacoes.erros import gerar_arquivo_erros
from importacoes.services import FalhaTransitoria, importacao_criar, importacao_processar


class Command(BaseCommand):
    help = "Importa clientes de uma planilha .xlsx (o mesmo processamento da tela de importação)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("arquivo", help="Caminho da planilha .xlsx.")
        parser.add_argument(
            "--usuario",
            help="Login de quem importa (precisa da permissão Importar clientes). Padrão: o "
            "primeiro administrador ativo.",
        )
        parser.add_argument(
            "--erros",
            help="Onde gravar o arquivo de erros (padrão: ARQUIVO_erros.xlsx, ao lado do "
            "original, quando houver linhas com problema).",
        )

    def _usuario(self, login: str | None) -> Usuario:
        if login:
            try:
                usuario = Usuario.objects.get(username=login, is_active=True)
            except Usuario.DoesNotExist:
                raise CommandError(f"Usuário ativo “{login}” não encontrado.") from None
        else:
            primeiro = (
                Usuario.objects.filter(is_active=True)
                .filter(
                    Q(is_superuser=True)
                    | Q(groups__permissions__codename="importar_clientes")
                    | Q(user_permissions__codename="importar_clientes")
                )
                .order_by("pk")
                .first()
            )
            if primeiro is None:
                raise CommandError("Nenhum administrador ativo; informe --usuario.")
            usuario = primeiro
        if not usuario.has_perm("cadastro.importar_clientes"):
            raise CommandError(f"“{usuario.username}” não tem a permissão Importar clientes.")
        return usuario

    def handle(self, *args: Any, **opcoes: Any) -> None:
        caminho = Path(opcoes["arquivo"])
        if not caminho.is_file():
            raise CommandError(f"Arquivo não encontrado: {caminho}")
        usuario = self._usuario(opcoes.get("usuario"))
        try:
            with caminho.open("rb") as arquivo:
                importacao = importacao_criar(
                    tipo="clientes",
                    arquivo=arquivo,
                    nome_arquivo=caminho.name,
                    ator=usuario,
                    enfileirar=False,
                )
        except ArquivoRecusado as exc:
            self.stderr.write(self.style.ERROR(f"Arquivo recusado: {exc.mensagem}"))
            raise SystemExit(2) from exc
        self.stdout.write(f"Importação {importacao.pk} criada; processando…")
        try:
            importacao_processar(importacao.pk)
        except FalhaTransitoria as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"{exc} — a importação {importacao.pk} voltou à fila e será retomada por "
                    "um worker (ou rode este comando de novo)."
                )
            )
            raise SystemExit(2) from exc
        importacao.refresh_from_db()
        self.stdout.write(
            f"{importacao.get_status_display()}: {importacao.linhas_lidas} lidas, "
            f"{importacao.criadas} criadas, {importacao.atualizadas} atualizadas "
            f"({importacao.sem_alteracao} sem alteração), {importacao.rejeitadas} rejeitadas "
            f"({importacao.duplicadas} repetidas na planilha), {importacao.com_aviso} com aviso."
        )
        if importacao.colunas_desconhecidas:
            self.stdout.write(
                "Colunas ignoradas: " + ", ".join(importacao.colunas_desconhecidas) + "."
            )
        if importacao.status == StatusImportacao.FALHOU:
            self.stderr.write(self.style.ERROR(importacao.erro))
            raise SystemExit(2)
        if importacao.tem_problemas:
            destino = Path(opcoes.get("erros") or caminho.with_name(f"{caminho.stem}_erros.xlsx"))
            linhas = gerar_arquivo_erros(importacao, destino)
            self.stdout.write(f"Arquivo de erros ({linhas} linhas): {destino}")
        if importacao.rejeitadas:
            raise SystemExit(1)
