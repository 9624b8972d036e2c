"""What people read for the webhooks' events and delivery states."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.webhooks.events import EventType
from registry.webhooks.models import DeliveryStatus, FailureReason

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
labels(
    FailureReason,
    {
        FailureReason.TIMED_OUT: Label("Verbinding verlopen", "Connection timed out"),
        FailureReason.UNKNOWN_HOST: Label("Servernaam niet gevonden", "Server name not found"),
        FailureReason.COULD_NOT_CONNECT: Label("Kon geen verbinding maken", "Could not connect"),
        FailureReason.INTERNAL_ADDRESS: Label(
            "Niet verzonden, want het adres is van deze machine of een intern netwerk",
            "Not sent, as the address is of this machine or a private network",
        ),
        FailureReason.OTHER: Label("Andere fout bij het verzenden", "Other error while sending"),
    },
)
