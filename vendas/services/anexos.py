"""Attachments of an order (seed "Aba anexos"): upload, removal, the checks on the file.

The same guard as the product attachments: `crm.arquivos.verificar_anexo` (size up to
`ANEXO_TAMANHO_MAXIMO`, accepted extensions whose leading bytes agree, and the spreadsheet guard
for .xlsx: no macros, zip bombs or XML entities reach a colleague's Excel). Files are
stored under a random name and served only by `vendas.views.anexos.anexo_baixar`, through the
order's visibility — never from MEDIA_URL.

An attachment does not change what was sold: it does not bump the order's version (an approval
stays valid), but each upload and removal is a PedidoEvento.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.db import transaction

from contas.constants import Papel
from crm.arquivos import ArquivoRecusado, verificar_anexo
from produtos.constants import ANEXO_TAMANHO_MAXIMO
from vendas.constants import StatusPedido, TipoEventoPedido
from vendas.models import AnexoPedido, Pedido
from vendas.services.pedidos import ErroPedido, _evento

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from contas.models import Usuario

__all__ = [
    "anexo_incluir",
    "anexo_remover",
    "marcar_removiveis",
    "pode_remover_anexo",
    "validar_anexo",
]


def validar_anexo(arquivo: UploadedFile) -> tuple[str, str]:
    """(original name, content type) of an acceptable file, else ErroPedido (pt-BR)."""
    try:
        return verificar_anexo(
            arquivo,  # type: ignore[arg-type]
            arquivo.name or "",
            arquivo.size or 0,
            maximo=ANEXO_TAMANHO_MAXIMO,
        )
    except ArquivoRecusado as erro:
        raise ErroPedido(erro.mensagem) from erro


# A sent, cancelled or converted document keeps its attachments as they were.
FINAIS = frozenset({StatusPedido.ENVIADO, StatusPedido.CANCELADO, StatusPedido.CONVERTIDO})


def _pedido(pedido_id: int, ator: Usuario) -> Pedido:
    pedido = (
        Pedido.objects.visiveis_para(ator)
        .select_for_update(of=("self",))
        .filter(pk=pedido_id)
        .first()
    )
    if pedido is None:
        raise ErroPedido("Pedido não encontrado.")
    return pedido


@transaction.atomic
def anexo_incluir(
    *, pedido_id: int, arquivo: UploadedFile, descricao: str = "", ator: Usuario
) -> AnexoPedido:
    """Attach a checked file to an order the user sees (not to a cancelled one)."""
    pedido = _pedido(pedido_id, ator)
    if pedido.status == StatusPedido.CANCELADO:
        raise ErroPedido("O pedido está cancelado: não recebe anexos.")
    nome, tipo = validar_anexo(arquivo)
    anexo = AnexoPedido(
        pedido=pedido,
        descricao=descricao.strip()[:120],
        nome_original=nome,
        tamanho=arquivo.size or 0,
        tipo_conteudo=tipo,
        enviado_por=ator,
    )
    conteudo: IO[Any] = arquivo
    anexo.arquivo.save(nome, conteudo, save=False)  # type: ignore[arg-type]
    # The file is written before the row: if the row fails, remove the orphan file. (An outer
    # transaction rolled back later would leave it; no caller wraps this service.)
    guardado, storage = anexo.arquivo.name, anexo.arquivo.storage
    try:
        anexo.save()
        _evento(
            pedido,
            TipoEventoPedido.ANEXO_INCLUIDO,
            ator,
            anexo=anexo.pk,
            nome=nome,
            descricao=anexo.descricao,
            tamanho=anexo.tamanho,
        )
    except Exception:
        if guardado:  # the name storage.save gave (a FieldFile's name is typed optional)
            storage.delete(guardado)
        raise
    return anexo


def _supervisiona(user: Usuario) -> bool:
    return (
        user.is_superuser
        or user.groups.filter(name__in=(Papel.SUPERVISOR, Papel.ADMINISTRADOR)).exists()
    )


def pode_remover_anexo(anexo: AnexoPedido, user: Usuario) -> bool:
    """Who sent it, or a supervisor/administrator (who already sees the order)."""
    if anexo.enviado_por_id and anexo.enviado_por_id == user.pk:
        return True
    return _supervisiona(user)


def marcar_removiveis(anexos: list[AnexoPedido], user: Usuario) -> list[AnexoPedido]:
    """Sets `removivel` on each attachment (`pode_remover_anexo`) asking the user's roles at
    most once, whatever the number of attachments (the list and the tab would otherwise
    query the groups once per attachment)."""
    supervisiona: bool | None = None
    for anexo in anexos:
        if anexo.enviado_por_id and anexo.enviado_por_id == user.pk:
            anexo.removivel = True  # type: ignore[attr-defined]
            continue
        if supervisiona is None:
            supervisiona = _supervisiona(user)
        anexo.removivel = supervisiona  # type: ignore[attr-defined]
    return anexos


@transaction.atomic
def anexo_remover(*, pedido_id: int, anexo_id: int, ator: Usuario) -> Pedido:
    """Remove an attachment: only who sent it or a supervisor. The file goes once the
    removal commits (a rollback keeps both)."""
    pedido = _pedido(pedido_id, ator)
    anexo = AnexoPedido.objects.filter(pedido=pedido, pk=anexo_id).first()
    if anexo is None:
        raise ErroPedido("Anexo não encontrado neste pedido.")
    if not pode_remover_anexo(anexo, ator):
        raise ErroPedido("Só quem enviou o anexo ou um supervisor pode removê-lo.")
    if pedido.status in FINAIS:
        raise ErroPedido(
            f"O pedido está “{pedido.get_status_display()}”: os anexos ficam como registro e "
            "não podem ser removidos."
        )
    nome, storage = anexo.arquivo.name, anexo.arquivo.storage
    dados = {"anexo": anexo.pk, "nome": anexo.nome_original, "descricao": anexo.descricao}
    anexo.delete()
    _evento(pedido, TipoEventoPedido.ANEXO_REMOVIDO, ator, **dados)
    if nome:  # a row without a file (none through anexo_incluir) has nothing to delete
        transaction.on_commit(lambda: storage.delete(nome))
    return pedido
