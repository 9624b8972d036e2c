"""Dutch and English labels of the governance enums."""

from __future__ import annotations

from registry.governance.models import PersonRole
from registry.governance.rules import (
    Choice,
    Majority,
    MeetingForm,
    Origin,
    ProposalKind,
    Quorum,
    SubjectKind,
)
from registry.kit.labels import Label, labels

CHOICE = labels(
    Choice,
    {
        Choice.FOR: Label("Voor", "For"),
        Choice.AGAINST: Label("Tegen", "Against"),
        Choice.ABSTAIN: Label("Onthouding", "Abstain"),
    },
)
PROPOSAL_KIND = labels(
    ProposalKind,
    {
        ProposalKind.ORDINARY: Label("Gewoon voorstel", "Ordinary proposal"),
        ProposalKind.BUDGET: Label("Begroting", "Budget"),
        ProposalKind.CONTRIBUTION_RATE: Label("Contributietarief", "Contribution rate"),
        ProposalKind.ENTRY_FEE: Label("Entreegeld", "Entry fee"),
        ProposalKind.ADMISSION: Label("Toelating van een lid", "Admission of a member"),
        ProposalKind.CONTRACT_APPROVAL: Label("Goedkeuring van een contract", "Contract approval"),
        ProposalKind.STATUTES_CHANGE: Label("Statutenwijziging", "Change of the articles"),
        ProposalKind.DISSOLUTION: Label("Ontbinding", "Dissolution"),
    },
)
MAJORITY = labels(
    Majority,
    {
        Majority.SIMPLE: Label("Gewone meerderheid", "Simple majority"),
        Majority.TWO_THIRDS: Label("Twee derde meerderheid", "Two-thirds majority"),
        Majority.UNANIMOUS: Label("Unaniem", "Unanimous"),
    },
)
QUORUM = labels(
    Quorum,
    {
        Quorum.NONE: Label("Geen quorum", "No quorum"),
        Quorum.MAJORITY: Label("Meerderheid van de zetels", "Majority of the seats"),
        Quorum.TWO_THIRDS: Label("Twee derde van de zetels", "Two thirds of the seats"),
    },
)
MEETING_FORM = labels(
    MeetingForm,
    {
        MeetingForm.MEETING: Label("Vergadering", "Meeting"),
        MeetingForm.WRITTEN: Label("Schriftelijk besluit", "Written resolution"),
    },
)
ORIGIN = labels(
    Origin,
    {
        Origin.MEETING: Label("Gestemd in een vergadering", "Voted in a meeting"),
        Origin.WRITTEN: Label("Schriftelijk besluit", "Written resolution"),
        Origin.RECORDED: Label("Alleen vastgelegd", "Recorded only"),
    },
)
SUBJECT_KIND = labels(
    SubjectKind,
    {
        SubjectKind.MEMBER: Label("Lid", "Member"),
        SubjectKind.APPLICATION: Label("Applicatie", "Application"),
        SubjectKind.CONTRACT: Label("Contract", "Contract"),
        SubjectKind.OTHER: Label("Ander onderwerp", "Other subject"),
    },
)
PERSON_ROLE = labels(
    PersonRole,
    {
        PersonRole.CHAIR: Label("Voorzitter", "Chair"),
        PersonRole.SECRETARY: Label("Secretaris", "Secretary"),
        PersonRole.MEMBER: Label("Lid", "Member"),
        PersonRole.REPRESENTATIVE: Label(
            "Vertegenwoordiger van een lid", "Member's representative"
        ),
        PersonRole.DIRECTOR: Label("Directeur", "Director"),
    },
)
