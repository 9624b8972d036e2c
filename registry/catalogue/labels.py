"""Dutch and English labels of the catalogue enums."""

from __future__ import annotations

from registry.catalogue.models import (
    ApplicationStatus,
    BusinessCaseDecision,
    JoinStage,
    Review,
    ReviewStatus,
)
from registry.kit.labels import Label, labels

APPLICATION_STATUS = labels(
    ApplicationStatus,
    {
        ApplicationStatus.IDEA: Label("Idee", "Idea"),
        ApplicationStatus.EXPLORATION: Label("Verkenning", "Exploration"),
        ApplicationStatus.BUILD: Label("Bouw", "Build"),
        ApplicationStatus.ACCEPTANCE: Label("Acceptatie", "Acceptance"),
        ApplicationStatus.PRODUCTION: Label("Productie", "Production"),
        ApplicationStatus.RETIRED: Label("Uitgefaseerd", "Retired"),
    },
)
JOIN_STAGE = labels(
    JoinStage,
    {
        JoinStage.IDEA: Label("Idee", "Idea"),
        JoinStage.DEVELOPMENT: Label("Ontwikkeling", "Development"),
        JoinStage.COMPLETE_PACKAGE: Label("Compleet pakket", "Complete package"),
    },
)
BUSINESS_CASE_DECISION = labels(
    BusinessCaseDecision,
    {
        BusinessCaseDecision.POSITIVE: Label("Positief", "Positive"),
        BusinessCaseDecision.NEGATIVE: Label("Negatief", "Negative"),
    },
)
REVIEW_STATUS = labels(
    ReviewStatus,
    {
        ReviewStatus.PROPOSED: Label(
            "Voorgesteld, wacht op de directie", "Proposed, awaiting the management"
        ),
        ReviewStatus.CHANGES_REQUESTED: Label("Wijzigingen gevraagd", "Changes requested"),
        ReviewStatus.PUBLISHED: Label("Gepubliceerd", "Published"),
        ReviewStatus.REJECTED: Label("Afgewezen", "Rejected"),
    },
)
REVIEW = labels(
    Review,
    {
        Review.PUBLISH: Label("Publiceren", "Publish"),
        Review.REQUEST_CHANGES: Label("Om wijzigingen vragen", "Ask for changes"),
        Review.REJECT: Label("Afwijzen", "Reject"),
    },
)
