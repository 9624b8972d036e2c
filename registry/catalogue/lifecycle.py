"""The application lifecycle: idea → exploration → build → acceptance → production → retired."""

from __future__ import annotations

from registry.catalogue.models import ApplicationStatus
from registry.kit.errors import ValidationFailed

ORDER = tuple(ApplicationStatus)


def allowed_next(current: ApplicationStatus) -> tuple[ApplicationStatus, ...]:
    """One step forward, or straight to retired; never backwards, nothing after retired."""
    if current is ApplicationStatus.RETIRED:
        return ()
    following = ORDER[ORDER.index(current) + 1]
    if following is ApplicationStatus.RETIRED:
        return (following,)
    return (following, ApplicationStatus.RETIRED)


def check_transition(current: ApplicationStatus, target: ApplicationStatus) -> None:
    if target not in allowed_next(current):
        options = ", ".join(s.value for s in allowed_next(current)) or "none"
        raise ValidationFailed.single(
            "status",
            "invalid_transition",
            f"cannot move from {current.value} to {target.value}; allowed: {options}",
        )
