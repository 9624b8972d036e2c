"""Dutch and English labels of the member and membership enums."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.members.membership import MembershipStatus
from registry.members.models import (
    ApprovalOutcome,
    DecisionBody,
    EndReason,
    FigureStatus,
    MemberType,
)

FIGURE_STATUS = labels(
    FigureStatus,
    {
        FigureStatus.PROVISIONAL: Label("voorlopig", "provisional"),
        FigureStatus.FINAL: Label("definitief", "final"),
    },
)
MEMBER_TYPE = labels(
    MemberType,
    {
        MemberType.GEMEENTE: Label("Gemeente", "Municipality"),
        MemberType.GEMEENSCHAPPELIJKE_REGELING: Label(
            "Gemeenschappelijke regeling", "Joint arrangement (gemeenschappelijke regeling)"
        ),
        MemberType.PROVINCIE: Label("Provincie", "Province"),
        MemberType.WATERSCHAP: Label("Waterschap", "Water authority"),
        MemberType.BEDRIJFSVOERINGSORGANISATIE: Label(
            "Bedrijfsvoeringsorganisatie", "Shared service organisation"
        ),
        MemberType.PARTNERSHIP: Label(
            "Samenwerkingsverband zonder rechtspersoonlijkheid",
            "Partnership without legal personality",
        ),
    },
)
DECISION_BODY = labels(
    DecisionBody,
    {
        DecisionBody.ALV: Label("ALV", "General meeting"),
        DecisionBody.RVC: Label("RvC", "Supervisory board"),
        DecisionBody.DIRECTIE: Label("Directie", "Management"),
    },
)
APPROVAL_OUTCOME = labels(
    ApprovalOutcome,
    {
        ApprovalOutcome.APPROVED: Label("Goedgekeurd", "Approved"),
        ApprovalOutcome.REJECTED: Label("Afgewezen", "Rejected"),
    },
)
END_REASON = labels(
    EndReason,
    {
        EndReason.NOTICE: Label("Opzegging", "Notice"),
        EndReason.MERGER: Label("Herindeling", "Municipal merger"),
    },
)
MEMBERSHIP_STATUS = labels(
    MembershipStatus,
    {
        MembershipStatus.APPLIED: Label("Aangevraagd", "Applied"),
        MembershipStatus.APPROVED: Label(
            "Goedgekeurd door de RvC", "Approved by the supervisory board"
        ),
        MembershipStatus.REJECTED: Label(
            "Afgewezen door de RvC", "Rejected by the supervisory board"
        ),
        MembershipStatus.ADMITTED: Label(
            "Toegelaten, nog niet begonnen", "Admitted, not started yet"
        ),
        MembershipStatus.ACTIVE: Label("Actief", "Active"),
        MembershipStatus.NOTICE_GIVEN: Label("Opgezegd", "Notice given"),
        MembershipStatus.ENDED: Label("Beëindigd", "Ended"),
    },
)
