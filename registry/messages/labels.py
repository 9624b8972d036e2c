"""Dutch and English labels of the message enums."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.messages.models import MessageStatus

MESSAGE_STATUS = labels(
    MessageStatus,
    {
        MessageStatus.PENDING: Label("Wacht op verzending", "Waiting to be sent"),
        MessageStatus.SENT: Label("Verzonden", "Sent"),
        MessageStatus.FAILED: Label("Mislukt", "Failed"),
    },
)
