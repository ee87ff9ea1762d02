"""Which of editorial's model permissions each role holds (org.roles collects every app's map into the role
groups)."""

from org.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.BOARD_SECRETARY: ["editorial.manage_review"],
    Role.DIRECTOR: ["editorial.sign_off_bulletin", "editorial.publish_bulletin"],
    Role.DEPUTY_DIRECTOR: ["editorial.sign_off_bulletin", "editorial.publish_bulletin"],
    Role.OFFICE: ["editorial.publish_bulletin"],
}
