"""Dutch and English labels of the roles."""

from __future__ import annotations

from registry.auth.roles import Role
from registry.kit.labels import Label, labels

ROLE = labels(
    Role,
    {
        Role.MEMBER_USER: Label("Medewerker", "Staff member"),
        Role.MEMBER_ADMIN: Label("Lidbeheerder", "Member administrator"),
        Role.DIRECTIE: Label("Directie", "Management"),
        Role.AUDITOR: Label("Auditor", "Auditor"),
        Role.ADMIN: Label("Registerbeheerder", "Registry administrator"),
    },
)
