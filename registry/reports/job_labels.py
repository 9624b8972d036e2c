"""Dutch and English labels of an export's status."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.reports.jobs import JobStatus

JOB_STATUS = labels(
    JobStatus,
    {
        JobStatus.QUEUED: Label("In de wachtrij", "Queued"),
        JobStatus.RUNNING: Label("Bezig", "Running"),
        JobStatus.DONE: Label("Klaar", "Done"),
        JobStatus.FAILED: Label("Mislukt", "Failed"),
    },
)
