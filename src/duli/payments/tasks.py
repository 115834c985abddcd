"""Background work of payments: processing the webhook inbox, sending refunds."""

from __future__ import annotations

from django.tasks import task


@task
def webhook_process_task(*, message_id: int) -> None:
    from duli.payments.webhooks import webhook_process

    webhook_process(message_id=message_id)
