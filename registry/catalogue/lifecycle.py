"""The application lifecycle: idea → exploration → build → acceptance → production → retired."""

from __future__ import annotations

from registry.catalogue.errors import CatalogueRefusal
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
    """Refuse a move outside `allowed_next`, naming the phases that are allowed."""
    allowed = allowed_next(current)
    if target in allowed:
        return
    names = {"current": current, "target": target}
    retired = ApplicationStatus.RETIRED
    if not allowed:
        raise ValidationFailed.single("status", CatalogueRefusal.RETIREMENT_FINAL, **names)
    if allowed == (ApplicationStatus.RETIRED,):
        raise ValidationFailed.single(
            "status", CatalogueRefusal.ONLY_RETIREMENT, retired=retired, **names
        )
    raise ValidationFailed.single(
        "status",
        CatalogueRefusal.INVALID_TRANSITION,
        next=allowed[0],
        retired=retired,
        **names,
    )
