"""Duli Test Pay's API: what a payment provider calls, as it would call a processor's SDK.

Charges are paid on the hosted page (`duli.testpay.views`), which calls `charge_pay`,
`charge_authenticate` and `charge_retry`. Every change the shop must hear about is written to
the webhook outbox in the same transaction and delivered after commit by a task, signed with
the shop's webhook secret:

    Duli-TestPay-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">

A delivery that fails (refused connection, non-2xx answer) is kept and retried with backoff
by `testpay_webhooks_retry`, which housekeeping runs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from duli.core.errors import DomainError, InvalidInput, NotFound
from duli.core.money import Money, currency_places
from duli.testpay.cards import card_brand, card_number_valid, card_outcome, digits_only
from duli.testpay.models import Charge, Refund, WebhookEvent

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Duli-TestPay-Signature"
WEBHOOK_TOLERANCE_SECONDS = 300
WEBHOOK_MAX_ATTEMPTS = 12
WEBHOOK_TIMEOUT_SECONDS = 10
_FIRST_RETRY_SECONDS = 60
_LONGEST_WAIT_SECONDS = 6 * 3600

# Why a card was refused, as the processor reports it (in English, like a real one); the
# hosted page shows `failure_text` in the shopper's language.
FAILURES: dict[str, str] = {
    "card_declined": gettext_noop("Your card was declined."),
    "insufficient_funds": gettext_noop("Your card has insufficient funds."),
    "authentication_failed": gettext_noop(
        "Your bank could not confirm this payment (3-D Secure authentication failed)."
    ),
}


class TestPayError(DomainError):
    """The processor refused a call; the message says why."""

    __test__ = False  # not a test class, whatever pytest thinks of the name
    code = "testpay_error"


class ChargeNotFound(TestPayError, NotFound):
    code = "charge_not_found"
    status = 404


class IdempotencyConflict(TestPayError):
    code = "idempotency_conflict"
    status = 409


class RefundRefused(TestPayError):
    code = "refund_refused"
    status = 409


# --- charges ------------------------------------------------------------------------------


def charge_create(
    *,
    amount: Decimal,
    currency: str,
    reference: str,
    description: str,
    return_url: str,
    cancel_url: str,
    notify_url: str,
    webhook_secret: str,
    idempotency_key: str,
) -> Charge:
    """Open a charge the shopper pays on the hosted page. The same idempotency key returns
    the same charge; reusing it for a different payment is refused."""
    currency = _currency(currency)
    amount = _amount(amount, currency)
    if not reference.strip():
        raise InvalidInput(gettext("A charge needs the shop's payment reference."))
    if not webhook_secret:
        raise InvalidInput(gettext("Set a webhook secret before taking test payments."))
    if not idempotency_key:
        raise InvalidInput(gettext("Every charge needs an idempotency key."))
    _check_url(return_url, required=True)
    _check_url(cancel_url)
    _check_url(notify_url, absolute=True)

    existing = Charge.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Charge.objects.create(
                    reference=reference,
                    amount=amount,
                    currency=currency,
                    description=description[:300],
                    return_url=return_url,
                    cancel_url=cancel_url,
                    notify_url=notify_url,
                    webhook_secret=webhook_secret,
                    idempotency_key=idempotency_key,
                )
        except IntegrityError:
            existing = Charge.objects.get(idempotency_key=idempotency_key)
    if (existing.reference, existing.money) != (reference, Money(amount, currency)):
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for a different charge.")
        )
    return existing


def charge_get(charge_id: str) -> Charge:
    """The charge as the processor knows it now."""
    charge = Charge.objects.filter(pk=charge_id).first()
    if charge is None:
        raise ChargeNotFound(gettext("There is no charge %(id)s.") % {"id": charge_id[:60]})
    return charge


def charge_page_path(charge_id: str) -> str:
    """Where the shopper pays a charge: the hosted card page, as a path on this site."""
    return reverse("testpay:pay", kwargs={"charge_id": charge_id})


def charge_pay(*, charge_id: str, card_number: str) -> Charge:
    """Present a card to a charge awaiting payment. The test card decides the outcome:
    succeeded, failed (declined, insufficient funds) or requires_action (3-D Secure).
    A charge that is no longer awaiting a card is returned unchanged (a double submit)."""
    number = digits_only(card_number)
    if not card_number_valid(number):
        raise InvalidInput(gettext("This card number is not valid."))
    outcome = card_outcome(number)
    fields: dict[str, Any] = {"card_brand": card_brand(number), "card_last4": number[-4:]}
    if outcome == "succeeded":
        fields["status"] = Charge.Status.SUCCEEDED
    elif outcome == "authenticate":
        fields["status"] = Charge.Status.REQUIRES_ACTION
    else:
        code = "card_declined" if outcome == "declined" else "insufficient_funds"
        fields.update(
            status=Charge.Status.FAILED, failure_code=code, failure_message=FAILURES[code]
        )
    return _move(charge_id, Charge.Status.REQUIRES_PAYMENT, **fields)


def charge_authenticate(*, charge_id: str, approve: bool) -> Charge:
    """The shopper's answer on the 3-D Secure page: the charge succeeds or fails."""
    if approve:
        return _move(charge_id, Charge.Status.REQUIRES_ACTION, status=Charge.Status.SUCCEEDED)
    code = "authentication_failed"
    return _move(
        charge_id,
        Charge.Status.REQUIRES_ACTION,
        status=Charge.Status.FAILED,
        failure_code=code,
        failure_message=FAILURES[code],
    )


def charge_retry(*, charge_id: str) -> Charge:
    """ "Try another card": a failed charge awaits a card again."""
    return _move(
        charge_id,
        Charge.Status.FAILED,
        status=Charge.Status.REQUIRES_PAYMENT,
        card_brand="",
        card_last4="",
        failure_code="",
        failure_message="",
    )


def failure_text(code: str) -> str:
    """Why a charge failed, in the active language."""
    return gettext(FAILURES.get(code, gettext_noop("The payment failed.")))


def _move(charge_id: str, source: str, **fields: Any) -> Charge:
    """Change a charge's status only if it is still `source` (a conditional UPDATE, so a
    double submit cannot pay twice), and queue the webhook the new status calls for."""
    with transaction.atomic():
        moved = Charge.objects.filter(pk=charge_id, status=source).update(
            updated=timezone.now(), **fields
        )
        charge = charge_get(charge_id)
        if moved and charge.status == Charge.Status.SUCCEEDED:
            _event_queue(charge, "charge.succeeded", {})
        elif moved and charge.status == Charge.Status.FAILED:
            _event_queue(charge, "charge.failed", {"failure_message": charge.failure_message})
    return charge


# --- refunds ------------------------------------------------------------------------------


def refund_create(
    *, charge_id: str, amount: Decimal, idempotency_key: str, currency: str = ""
) -> Refund:
    """Send back part or all of what is left on a succeeded charge, at once. The same
    idempotency key returns the same refund. `currency`, when given, must be the charge's."""
    if not idempotency_key:
        raise InvalidInput(gettext("Every refund needs an idempotency key."))
    with transaction.atomic():
        # The lock serialises refunds of one charge, so two cannot both take what is left.
        charge = Charge.objects.select_for_update().filter(pk=charge_id).first()
        if charge is None:
            raise ChargeNotFound(gettext("There is no charge %(id)s.") % {"id": charge_id[:60]})
        if currency and _currency(currency) != charge.currency:
            raise RefundRefused(
                gettext("This charge is in %(currency)s; refund it in the same currency.")
                % {"currency": charge.currency}
            )
        amount = _amount(amount, charge.currency)
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if (existing.charge_id, existing.amount) != (charge.pk, amount):
                raise IdempotencyConflict(
                    gettext("This idempotency key was already used for a different refund.")
                )
            return existing
        if charge.status != Charge.Status.SUCCEEDED:
            raise RefundRefused(gettext("This charge was not paid, so there is nothing to refund."))
        left = charge.amount - charge.refunded_amount
        if amount > left:
            raise RefundRefused(
                gettext("At most %(left)s is left to refund on this charge.")
                % {"left": Money(left, charge.currency).format()}
            )
        refund = Refund.objects.create(
            charge=charge, amount=amount, currency=charge.currency, idempotency_key=idempotency_key
        )
        Charge.objects.filter(pk=charge.pk).update(
            refunded_amount=F("refunded_amount") + amount, updated=timezone.now()
        )
        _event_queue(
            charge,
            "refund.succeeded",
            {"refund": refund.pk, "amount": _amount_text(amount, charge.currency)},
        )
    return refund


# --- webhooks -----------------------------------------------------------------------------


def webhook_sign(secret: str, body: bytes | str, timestamp: int) -> str:
    """The signature header value for `body` sent at `timestamp` (unix seconds)."""
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def webhook_verify(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: int = WEBHOOK_TOLERANCE_SECONDS,
    *,
    now: int | None = None,
) -> bool:
    """True when `header` signs `body` with `secret` and was made within `tolerance`
    seconds of now. Compares in constant time; anything malformed is simply False."""
    if not secret or not header or len(header) > 2000:
        return False
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and re.fullmatch(r"\d{1,12}", value):
            timestamp = int(value)
        elif key == "v1" and re.fullmatch(r"[0-9a-f]{64}", value):
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = webhook_sign(secret, body, timestamp).rpartition("v1=")[2]
    # Check every candidate so the time taken does not depend on which one matched.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)


def webhook_body(event: WebhookEvent) -> bytes:
    """The exact bytes sent (and signed) for an event."""
    return json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_deliver(event_id: str) -> bool:
    """Try once to deliver an event that is due. True when the shop answered 2xx.

    The attempt is claimed first with a conditional UPDATE that also books the next retry,
    so two workers never send the same attempt, and a crash mid-send is retried later.
    """
    now = timezone.now()
    event = WebhookEvent.objects.select_related("charge").filter(pk=event_id).first()
    if event is None or event.delivered_at is not None or event.next_attempt_at is None:
        return False
    if event.next_attempt_at > now:
        return False
    attempt = event.attempts + 1
    claimed = WebhookEvent.objects.filter(
        pk=event.pk, attempts=event.attempts, delivered_at__isnull=True
    ).update(attempts=attempt, next_attempt_at=_next_attempt_at(attempt, now))
    if not claimed:
        return False

    body = webhook_body(event)
    error = _post(event.notify_url, body, webhook_sign(event.charge.webhook_secret, body, _ts()))
    if error:
        log.warning("testpay webhook %s attempt %d failed: %s", event.pk, attempt, error)
        WebhookEvent.objects.filter(pk=event.pk).update(last_error=error[:500])
        return False
    WebhookEvent.objects.filter(pk=event.pk).update(
        delivered_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return True


def testpay_webhooks_retry(*, limit: int = 200) -> int:
    """Queue a delivery for every webhook whose retry is due; returns how many."""
    from duli.testpay.tasks import testpay_webhook_deliver  # the task module imports this one

    due = list(
        WebhookEvent.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in due:
        testpay_webhook_deliver.enqueue(event_id=event_id)
    return len(due)


def _event_queue(charge: Charge, type_: str, extra: dict[str, str]) -> WebhookEvent | None:
    """Write an event to the outbox; it is sent by a task once the transaction commits."""
    if not charge.notify_url:
        return None
    from duli.testpay.tasks import testpay_webhook_deliver  # the task module imports this one

    event = WebhookEvent(charge=charge, type=type_, notify_url=charge.notify_url)
    data = {
        "charge": charge.pk,
        "reference": charge.reference,
        "amount": _amount_text(charge.amount, charge.currency),
        "currency": charge.currency,
        **extra,
    }
    event.payload = {"id": event.pk, "type": type_, "created": _ts(), "data": data}
    event.next_attempt_at = timezone.now()
    event.save(force_insert=True)
    transaction.on_commit(partial(testpay_webhook_deliver.enqueue, event_id=event.pk))
    return event


def _post(url: str, body: bytes, signature: str) -> str:
    """POST a webhook; "" on a 2xx answer, else what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        return f"not an http(s) URL: {url[:100]}"
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "DuliTestPay/1.0",
            SIGNATURE_HEADER: signature,
        },
    )
    try:
        with _OPENER.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"{type(error).__name__}: {reason}"
    return "" if 200 <= status < 300 else f"HTTP {status}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook answered with a redirect is not delivered (processors do not follow them)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _next_attempt_at(attempt: int, now: datetime) -> datetime | None:
    """After attempt n, wait 1, 2, 4 … minutes (at most 6 hours); give up after the last."""
    if attempt >= WEBHOOK_MAX_ATTEMPTS:
        return None
    wait = min(_FIRST_RETRY_SECONDS * 2 ** (attempt - 1), _LONGEST_WAIT_SECONDS)
    return now + timedelta(seconds=wait)


def _ts() -> int:
    return int(time.time())


# --- checks -------------------------------------------------------------------------------


def _currency(currency: str) -> str:
    code = (currency or "").upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidInput(gettext("Use a three-letter currency code such as USD."))
    return code


def _amount(amount: Decimal | str | int, currency: str) -> Decimal:
    if isinstance(amount, float):
        raise InvalidInput(gettext("Give the amount as a decimal, never a float."))
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(gettext("The amount is not a number.")) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(gettext("The amount must be more than zero."))
    if value >= Decimal("1e15"):
        raise InvalidInput(gettext("The amount is too large."))
    if value != Money(value, currency).rounded().amount:
        raise InvalidInput(
            gettext("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": currency_places(currency)}
        )
    return value


def _amount_text(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency).rounded().amount)


def _check_url(url: str, *, required: bool = False, absolute: bool = False) -> None:
    """An http(s) address, or a path on this site ("/orders/…/") unless `absolute`."""
    if not url and not required:
        return
    parts = urlsplit(url)
    is_absolute = parts.scheme in ("http", "https") and bool(parts.netloc)
    site_relative = not parts.scheme and not parts.netloc and url.startswith("/")
    unsafe = len(url) > 2000 or "\\" in url or any(ord(c) < 33 for c in url)
    if unsafe or not (is_absolute or (site_relative and not absolute)):
        raise InvalidInput(
            gettext("%(url)s is not a web address the processor can use.") % {"url": url[:100]}
        )
