"""Helpers for data migrations that grant a module's permissions to the roles (auth Groups).

Every app's `000N_papeis.py` migration grants its own screens' permissions to the roles created by
`contas/0002_papeis` and revokes them on the way back. Only the historical `apps` registry is
used, so the helpers are safe in any migration.

Permission codes are `"app_label.codename"`; a bare `"codename"` takes the `app_label` argument.
"""

from typing import Any

Papeis = dict[str, list[str]]


def _criar_permissoes(apps: Any) -> None:
    """Create the permissions now: Django normally creates them only after `migrate` ends."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def _permissoes(apps: Any, codigos: list[str], app_label: str | None) -> list[Any]:
    """The Permission rows of `codigos`; a code that names no permission is an error."""
    Permission = apps.get_model("auth", "Permission")
    permissoes = []
    for codigo in codigos:
        prefixo, _, codename = codigo.rpartition(".")
        rotulo = prefixo or app_label
        if not rotulo:
            raise ValueError(f"Permissão sem app: {codigo!r} (use 'app.codigo' ou app_label=).")
        permissoes.append(Permission.objects.get(content_type__app_label=rotulo, codename=codename))
    return permissoes


def conceder_permissoes(
    apps: Any, papeis: Papeis, *, app_label: str | None = None, criar_grupos: bool = False
) -> None:
    """Grant each role its permissions, creating missing permissions first.

    The roles must exist unless `criar_grupos` (only `contas/0002_papeis`, which creates them).
    """
    _criar_permissoes(apps)
    Group = apps.get_model("auth", "Group")
    for nome, codigos in papeis.items():
        if criar_grupos:
            grupo, _ = Group.objects.get_or_create(name=nome)
        else:
            grupo = Group.objects.get(name=nome)
        grupo.permissions.add(*_permissoes(apps, codigos, app_label))


def revogar_permissoes(apps: Any, papeis: Papeis, *, app_label: str | None = None) -> None:
    """Undo `conceder_permissoes`: remove the permissions from the roles that still exist."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for nome, codigos in papeis.items():
        grupo = Group.objects.filter(name=nome).first()
        if grupo is None:
            continue
        for codigo in codigos:
            rotulo, _, codename = codigo.rpartition(".")
            grupo.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=rotulo or app_label, codename=codename
                )
            )
