"""Background work of the simulated processor: delivering its webhooks."""

from __future__ import annotations

from django.tasks import task

from duli.testpay.processor import webhook_deliver


@task
def testpay_webhook_deliver(*, event_id: str) -> bool:
    """Try to deliver one webhook (queued after commit, and again by the retry sweep).
    A failure is recorded on the event for the next retry, not raised."""
    return webhook_deliver(event_id)
