"""Which model permissions each role holds. Object-level access (which unit) comes from unit groups."""

from .models import Role

# Permissions are "app_label.codename"; unknown ones (an app not installed yet) are skipped when syncing.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DRAFTER: [],
    Role.BOARD_SECRETARY: ["editorial.manage_review"],
    Role.BOARD_MEMBER: [],
    Role.DIRECTOR: ["org.supervise_all_units", "coordination.approve_directive", "editorial.sign_off_bulletin",
                    "editorial.publish_bulletin"],
    Role.DEPUTY_DIRECTOR: ["org.supervise_all_units", "coordination.approve_directive", "editorial.sign_off_bulletin",
                           "editorial.publish_bulletin"],
    Role.OFFICE: ["editorial.publish_bulletin"],
    Role.DISTRICT_OFFICER: [],
    Role.COMMUNE_OFFICER: [],
    Role.MANAGER: ["org.supervise_all_units", "coordination.approve_directive"],
    Role.ADMIN: [
        "org.view_unit", "org.add_unit", "org.change_unit",
        "org.view_user", "org.add_user", "org.change_user",
        "org.view_membership", "org.add_membership", "org.change_membership", "org.delete_membership",
        "org.supervise_all_units",
    ],
}


def role_group_name(role: str) -> str:
    return f"role:{role}"


def unit_group_name(unit_code: str, structure: str) -> str:
    return f"unit:{structure}:{unit_code}"
