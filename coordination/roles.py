"""Which of coordination's model permissions each role holds (org.roles collects every app's map into the role
groups)."""

from org.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DIRECTOR: ["coordination.approve_directive"],
    Role.DEPUTY_DIRECTOR: ["coordination.approve_directive"],
    Role.MANAGER: ["coordination.approve_directive"],
}
