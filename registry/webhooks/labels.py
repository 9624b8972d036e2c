"""What people read for the webhooks' events and delivery states."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.webhooks.events import EventType
from registry.webhooks.models import DeliveryStatus

labels(
    EventType,
    {
        EventType.APPLICATION_PUBLISHED: Label("Applicatie gepubliceerd", "Application published"),
        EventType.APPLICATION_CHANGED: Label("Applicatie gewijzigd", "Application changed"),
        EventType.ADOPTION_STAGE_CHANGED: Label(
            "Fase van gebruik gewijzigd", "Adoption stage changed"
        ),
        EventType.INVOICE_ISSUED: Label("Factuur uitgereikt", "Invoice issued"),
        EventType.INVOICE_PAID: Label("Factuur betaald", "Invoice paid"),
    },
)
labels(
    DeliveryStatus,
    {
        DeliveryStatus.PENDING: Label("Wacht op verzending", "Waiting to be sent"),
        DeliveryStatus.DELIVERED: Label("Afgeleverd", "Delivered"),
        DeliveryStatus.FAILED: Label("Mislukt", "Failed"),
    },
)
