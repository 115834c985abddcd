"""`duli mail_test you@example.com`: send a test email now, to check the SMTP settings."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from duli.core.mail import mail_send


class Command(BaseCommand):
    help = (
        "Send a test email to the given address right away (not through the task queue), "
        "so you can check DULI_EMAIL_URL and DULI_DEFAULT_FROM_EMAIL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("recipient", help="the address to send the test email to")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the email (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recipient: str = options["recipient"]
        try:
            validate_email(recipient)
        except ValidationError:
            raise CommandError(f"{recipient!r} is not an email address.") from None
        mailer = _mailer_description()
        try:
            mail_send(
                to=[recipient],
                template="email/test_message",
                context={"mailer": mailer},
                language=options["language"],
            )
        except smtplib.SMTPException as error:
            raise CommandError(
                f"The mail server at {mailer} refused the test email: {_smtp_reason(error)}. "
                "Check the user name, password and sender address in DULI_EMAIL_URL and "
                "DULI_DEFAULT_FROM_EMAIL."
            ) from error
        except OSError as error:  # refused, unreachable, unknown host, timed out, TLS
            raise CommandError(
                f"Could not reach the mail server at {mailer}: {error.strerror or error}. "
                "Check the host, port and TLS settings in DULI_EMAIL_URL."
            ) from error
        self.stdout.write(f"Sent a test email to {recipient} through {mailer}.")
        if not _is_smtp():
            self.stdout.write(
                "Note: this backend does not deliver email. "
                "Set DULI_EMAIL_URL to an smtp:// or smtp+tls:// URL to reach real inboxes."
            )


def _mailer_config() -> dict[str, Any]:
    return dict(getattr(settings, "MAILERS", {}).get("default", {}))


def _is_smtp() -> bool:
    return str(_mailer_config().get("BACKEND", "")).endswith("smtp.EmailBackend")


def _mailer_description() -> str:
    config = _mailer_config()
    if not _is_smtp():
        return str(config.get("BACKEND", "the default mailer")).rsplit(".", 2)[-2] + " backend"
    options = config.get("OPTIONS", {})
    host = options.get("host", "localhost")
    port = options.get("port") or (
        465 if options.get("use_ssl") else 587 if options.get("use_tls") else 25
    )
    return f"{host}:{port}"


def _smtp_reason(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        ]
        return "; ".join(codes) or "recipient refused"
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}"
    return str(error) or type(error).__name__
