"""Background work shared by every app: delivering shop emails."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.tasks import task

from duli.core.mail import mail_send

log = logging.getLogger(__name__)


@task
def mail_deliver(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    language: str,
    reply_to: list[str],
) -> None:
    """Render and send one message (enqueued by `mail_enqueue` after commit).

    Django Tasks has no retries: a refused or unreachable SMTP server is logged and re-raised,
    so the worker records the task as failed with its traceback.
    """
    try:
        mail_send(to=to, template=template, context=context, language=language, reply_to=reply_to)
    except (smtplib.SMTPException, OSError) as error:
        # Addresses are personal data: log the template and the failure, not the recipients.
        code = getattr(error, "smtp_code", None)
        log.error(
            "mail %s to %d recipient(s) failed: %s%s",
            template,
            len(to),
            type(error).__name__,
            f" (SMTP {code})" if code else "",
        )
        raise
