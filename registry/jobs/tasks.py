"""The registry's tasks: what a worker runs for a job."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from procrastinate import JobContext
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.attachments import attachment_bytes
from registry.billing.payments import retry_payment_requests
from registry.billing.reminders import send_reminders
from registry.contracts.reminders import send_contract_reminders
from registry.db import transaction
from registry.kit import clock
from registry.messages.sending import send_due
from registry.reports.jobs import run_export
from registry.webhooks.delivery import deliver
from registry.webhooks.service import relay

if TYPE_CHECKING:
    from registry.jobs.queue import Resources

logger = logging.getLogger(__name__)

RESOURCES = "registry"
REPORT_EXPORT = "report_export"
PAYMENT_RETRIES = "payment_retries"
STALLED_JOBS = "stalled_jobs"
SEND_MAIL = "send_mail"
REMINDERS = "reminders"
CONTRACT_REMINDERS = "contract_reminders"
WEBHOOK_DELIVERY = "webhook_delivery"
WEBHOOK_OUTBOX = "webhook_outbox"


def _resources(context: JobContext) -> Resources:
    resources: Resources = context.additional_context[RESOURCES]
    return resources


async def report_export(context: JobContext, export_id: str) -> None:
    resources = _resources(context)
    job = context.job
    await run_export(
        resources.session_factory,
        resources.settings.reports_dir,
        export_id,
        final=job.attempts + 1 >= resources.settings.job_attempts,
    )


async def payment_retries(context: JobContext, timestamp: int) -> None:
    """Create the PaymentIntents that could not be created when their invoices were issued;
    scheduled by the queue (`payment_retry_cron`), so one worker does it each time."""
    resources = _resources(context)
    if resources.payment_gateway is None:
        return
    async with transaction(resources.session_factory) as session:
        done = await retry_payment_requests(session, resources.payment_gateway)
    if done:
        logger.info("payment requests created for %s invoices", len(done))


async def send_mail(context: JobContext, timestamp: int) -> None:
    """Send the outbox's due messages over SMTP; scheduled by the queue (`mail_cron`), so
    one worker does it each time. Without an SMTP server (`smtp_host`) nothing is sent."""
    resources = _resources(context)
    settings = resources.settings

    async def resolve(session: AsyncSession, source: str) -> bytes:
        return await attachment_bytes(session, settings, source)

    done = await send_due(resources.session_factory, settings, resolve)
    if done:
        logger.info("outbox: %s messages tried", len(done))


async def reminders(context: JobContext, timestamp: int) -> None:
    """Send the payment reminders that are due today (`reminder_cron`); each stage of an
    invoice once, also when two workers run it at the same moment."""
    resources = _resources(context)
    async with transaction(resources.session_factory) as session:
        sent = await send_reminders(session, resources.settings, clock.today())
    if sent:
        logger.info("%s payment reminders queued", len(sent))


async def contract_reminders(context: JobContext, timestamp: int) -> None:
    """Remind the directie of contracts whose notice date is near (`contract_reminder_cron`);
    once per contract and notice date, also when two workers run it at the same moment."""
    resources = _resources(context)
    async with transaction(resources.session_factory) as session:
        sent = await send_contract_reminders(session, resources.settings, clock.today())
    if sent:
        logger.info("%s contract notice reminders queued", len(sent))


async def stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Jobs of a worker that stopped without finishing them (killed, machine gone: no
    heartbeat for a while) go back to the queue, to be run by a worker that is alive."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        logger.warning("job %s (%s) of a stopped worker is queued again", job.id, job.task_name)
        await manager.retry_job(job)
    await manager.prune_stalled_workers(seconds_since_heartbeat=60)


async def webhook_delivery(context: JobContext, delivery_id: int) -> None:
    """Send one webhook delivery; a failure raises, so the queue tries again with backoff."""
    resources = _resources(context)
    await deliver(
        resources.session_factory,
        delivery_id,
        final=context.job.attempts + 1 >= resources.settings.job_attempts,
        wait_seconds=resources.settings.webhook_timeout_seconds,
        internal_allowed=resources.settings.dev_mode,
    )


async def webhook_outbox(context: JobContext, timestamp: int) -> None:
    """Queue the webhook deliveries stored since (the outbox), in case no process did it
    right after their transaction."""
    resources = _resources(context)
    await relay(resources.session_factory, resources.defer_webhook_delivery)
