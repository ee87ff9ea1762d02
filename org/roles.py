"""Which model permissions each role holds. Object-level access (which unit) comes from unit groups.

org lists its own permissions here; every other app declares its own map (its AppConfig's `role_permissions`,
the dotted path of a dict like this one) and role_permissions() merges them, so org names no other app's
permissions."""

from django.apps import apps
from django.utils.module_loading import import_string

from .models import Role

# Permissions are "app_label.codename"; unknown ones (an app not installed yet) are skipped when syncing.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DRAFTER: [],
    Role.BOARD_SECRETARY: [],
    Role.BOARD_MEMBER: [],
    Role.DIRECTOR: ["org.supervise_all_units"],
    Role.DEPUTY_DIRECTOR: ["org.supervise_all_units"],
    Role.OFFICE: [],
    Role.DISTRICT_OFFICER: [],
    Role.COMMUNE_OFFICER: [],
    Role.MANAGER: ["org.supervise_all_units"],
    Role.ADMIN: [
        "org.view_unit", "org.add_unit", "org.change_unit",
        "org.view_user", "org.add_user", "org.change_user",
        "org.view_membership", "org.add_membership", "org.change_membership", "org.delete_membership",
        "org.supervise_all_units",
    ],
}


def role_permissions() -> dict[str, list[str]]:
    """Every role's permissions across the installed apps: each app config's `role_permissions` map, merged."""
    merged: dict[str, list[str]] = {role: [] for role in Role.values}
    for config in apps.get_app_configs():
        path = getattr(config, "role_permissions", None)
        for role, perms in (import_string(path) if path else {}).items():
            merged[role].extend(p for p in perms if p not in merged[role])
    return merged


def role_group_name(role: str) -> str:
    return f"role:{role}"


def unit_group_name(unit_code: str, structure: str) -> str:
    return f"unit:{structure}:{unit_code}"
