"""The webhook inbox (DESIGN rule 8): verify, store once by (provider, event id), process
in an idempotent task.

Whatever order events arrive in, however often, the outcome is the same: a capture is
recorded once (its key is the payment), a late failure never undoes a capture, a refund is
matched to the one we sent or recorded once as made at the provider, and an amount or
currency that does not match the payment is flagged to the merchant, never taken as paid.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from duli.core.events import event_publish
from duli.payments.gateway import payment_capture_send, payment_fail, refund_fail
from duli.payments.models import Payment, PaymentTransaction, WebhookMessage
from duli.payments.providers.base import Capability, InvalidSignature, WebhookEvent
from duli.payments.providers.registry import installed
from duli.payments.selectors import payment_provider_configured
from duli.payments.services import (
    payment_capture_remaining,
    payment_refund_record_external,
)

log = logging.getLogger(__name__)
Response = tuple[int, str, str]


def webhook_receive(*, provider: str, headers: Mapping[str, str], body: bytes) -> Response:
    """Answer a provider's webhook: verify it, keep it once, process it after commit.
    Returns the (status, content type, body) the provider expects."""
    instance = payment_provider_configured(code=provider)
    if instance is None:
        return 404, "application/json", '{"error": "unknown payment provider"}'
    try:
        event = instance.parse_webhook(headers, body)
    except InvalidSignature as exc:
        log.warning("refused a %s webhook: %s", provider, exc.message)
        return instance.webhook_response(accepted=False)
    if event is not None:
        message, created = webhook_store(provider=provider, event=event)
        if created:
            _process_after_commit(message.pk)
    return instance.webhook_response(accepted=True)


def webhook_store(*, provider: str, event: WebhookEvent) -> tuple[WebhookMessage, bool]:
    """The inbox row for `event`, created once: the same event again (a replay, a retry, two
    deliveries at the same moment) finds the first row."""
    fields = {
        "kind": event.kind,
        "provider_ref": event.provider_ref[:120],
        "payment_ref": event.payment_id[:120],
        "refund_ref": event.refund_ref[:120],
        "currency": event.amount.currency if event.amount else "",
        "amount_amount": event.amount.amount if event.amount else None,
        "message": event.message[:300],
        "payload": _jsonable(event.raw),
    }
    try:
        with transaction.atomic():
            return WebhookMessage.objects.create(
                provider=provider, event_id=event.event_id[:200], **fields
            ), True
    except IntegrityError:
        return WebhookMessage.objects.get(provider=provider, event_id=event.event_id[:200]), False


def webhook_process(*, message_id: int) -> WebhookMessage:
    """Apply one inbox event to its payment. Safe to run any number of times."""
    capture_after = False
    with transaction.atomic():
        message = WebhookMessage.objects.select_for_update().get(pk=message_id)
        if message.status not in (WebhookMessage.Status.RECEIVED, WebhookMessage.Status.UNMATCHED):
            return message
        payment = _match(message)
        if payment is None:
            _done(message, WebhookMessage.Status.UNMATCHED, "No payment has this reference.")
            return message
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        message.payment = payment
        if message.kind == "captured":
            _captured(message, payment)
        elif message.kind == "authorized":
            capture_after = _authorized(message, payment)
        elif message.kind in ("failed", "canceled"):
            _failed(message, payment)
        elif message.kind == "refunded":
            _refunded(message, payment)
        else:
            _done(message, WebhookMessage.Status.IGNORED, "Unknown kind of event.")
    if capture_after:
        payment_capture_send(payment_id=payment.pk)
    return message


def payments_reconcile(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Ask providers about gateway payments still pending after `older_than`, and process
    their answers through the inbox like webhooks. Also retries inbox events that found no
    payment yet. Returns the number of payments that changed."""
    now = timezone.now()
    changed = 0
    for message_id in WebhookMessage.objects.filter(
        status__in=[WebhookMessage.Status.RECEIVED, WebhookMessage.Status.UNMATCHED],
        received_at__gte=now - timedelta(days=3),
    ).values_list("pk", flat=True):
        webhook_process(message_id=message_id)
    gateways = [c for c, cls in installed().items() if Capability.MANUAL not in cls.capabilities]
    pending = Payment.objects.filter(
        status=Payment.Status.PENDING,
        provider__in=gateways,
        updated_at__lte=now - older_than,
        created_at__gte=now - timedelta(days=3),
    ).exclude(provider_ref="")
    for payment in pending:
        changed += payment_refresh(payment_id=payment.pk).status != Payment.Status.PENDING
    return changed


def payment_refresh(*, payment_id: int) -> Payment:
    """Ask the provider where a pending payment stands and apply the answer through the
    inbox, as if it were a webhook (used when the shopper comes back from the provider's
    page and by reconciliation). A provider that cannot be reached changes nothing."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.PENDING or not payment.provider_ref:
        return payment
    provider = payment_provider_configured(code=payment.provider)
    if provider is None:
        return payment
    try:
        event = provider.query(payment.provider_ref)
    except Exception:
        log.exception("status query to %s failed for payment %s", payment.provider, payment.pk)
        return payment
    if event is not None:
        if not event.payment_id:
            event = _with_reference(event, payment.reference or "")
        message, _ = webhook_store(provider=payment.provider, event=event)
        webhook_process(message_id=message.pk)
        payment.refresh_from_db()
    return payment


# --- applying events ---------------------------------------------------------------------


def _captured(message: WebhookMessage, payment: Payment) -> None:
    amount = message.amount
    if amount is None or amount.currency != payment.currency or amount != payment.amount:
        got = amount.format() if amount else gettext("no amount")
        reason = gettext(
            "%(provider)s reported a payment of %(got)s, but %(expected)s was due. "
            "It was not taken as paid: check it with the provider."
        ) % {"provider": _label(payment.provider), "got": got, "expected": payment.amount.format()}
        _flag(message, payment, reason)
        return
    if payment.captured >= payment.amount:
        _done(message, WebhookMessage.Status.PROCESSED, "Already recorded as paid.")
        return
    payment_capture_remaining(payment=payment, reference=message.provider_ref or message.event_id)
    _done(message, WebhookMessage.Status.PROCESSED)


def _authorized(message: WebhookMessage, payment: Payment) -> bool:
    """The shopper approved; providers that need it are captured after commit."""
    cls = installed().get(payment.provider)
    needs_capture = (
        cls is not None
        and Capability.CAPTURE in cls.capabilities
        and payment.status == Payment.Status.PENDING
    )
    _done(message, WebhookMessage.Status.PROCESSED)
    return needs_capture


def _failed(message: WebhookMessage, payment: Payment) -> None:
    if message.refund_ref:  # a refund failed, not the payment
        row = (
            PaymentTransaction.objects.select_for_update()
            .filter(payment=payment, kind=PaymentTransaction.Kind.REFUND)
            .filter(Q(provider_ref=message.refund_ref) | Q(idempotency_key=message.refund_ref))
            .first()
        )
        if row is None or row.status != PaymentTransaction.Status.PENDING:
            _done(message, WebhookMessage.Status.IGNORED, "No pending refund has this reference.")
            return
        refund_fail(row, message.message or gettext("The provider could not make the refund."))
        _done(message, WebhookMessage.Status.PROCESSED)
        return
    if payment.status != Payment.Status.PENDING:
        _done(message, WebhookMessage.Status.IGNORED, "Arrived after the payment was settled.")
        return
    reason = message.message or (
        gettext("The payment was cancelled at the provider.")
        if message.kind == "canceled"
        else gettext("The payment was declined.")
    )
    payment_fail(payment_id=payment.pk, message=reason)
    _done(message, WebhookMessage.Status.PROCESSED)


def _refunded(message: WebhookMessage, payment: Payment) -> None:
    refunds = PaymentTransaction.objects.select_for_update().filter(
        payment=payment, kind=PaymentTransaction.Kind.REFUND
    )
    # Providers name a refund by their id or by the request number we sent (our key).
    row = (
        refunds.filter(
            Q(provider_ref=message.refund_ref) | Q(idempotency_key=message.refund_ref)
        ).first()
        if message.refund_ref
        else None
    )
    if row is None and message.amount is not None:
        # Our own refund whose answer has not been saved yet: the oldest pending one of
        # the same amount.
        row = (
            refunds.filter(
                status=PaymentTransaction.Status.PENDING,
                amount_amount=message.amount.amount,
                currency=message.amount.currency,
            )
            .order_by("pk")
            .first()
        )
    if row is not None:
        if row.status == PaymentTransaction.Status.FAILED:
            _flag(
                message,
                payment,
                gettext("The provider reports a refund that the shop had recorded as failed."),
            )
            return
        row.status = PaymentTransaction.Status.SUCCEEDED
        row.provider_ref = row.provider_ref or message.refund_ref[:120]
        row.save(update_fields=["status", "provider_ref"])
        _done(message, WebhookMessage.Status.PROCESSED)
        return
    amount = message.amount
    refundable = payment.captured - payment.refunded
    if amount is None or amount.currency != payment.currency or amount > refundable:
        _flag(
            message,
            payment,
            gettext("The provider reports a refund the shop cannot match to this payment."),
        )
        return
    # A refund made in the provider's own dashboard: keep the books right.
    payment_refund_record_external(
        payment=payment,
        amount=amount,
        provider_ref=message.refund_ref,
        idempotency_key=f"refund:{payment.provider}:{message.refund_ref or message.event_id}"[:100],
    )
    _done(message, WebhookMessage.Status.PROCESSED)


def _flag(message: WebhookMessage, payment: Payment, reason: str) -> None:
    payment.flag = reason[:300]
    payment.save(update_fields=["flag", "updated_at"])
    _done(message, WebhookMessage.Status.FLAGGED, reason)
    event_publish(
        "payment.flagged", payment_id=payment.pk, order_id=payment.order_id, reason=reason
    )


def _done(message: WebhookMessage, status: str, note: str = "") -> None:
    message.status = status
    message.note = note[:300]
    message.processed_at = timezone.now()
    message.save(update_fields=["status", "note", "processed_at", "payment"])


def _match(message: WebhookMessage) -> Payment | None:
    payments = Payment.objects.filter(provider=message.provider)
    if message.payment_ref:
        found = payments.filter(reference=message.payment_ref).first()
        if found is not None:
            return found
    if message.provider_ref:
        return payments.filter(provider_ref=message.provider_ref).order_by("-pk").first()
    return None


def _label(code: str) -> str:
    cls = installed().get(code)
    return str(cls(config={}).label()) if cls is not None else code


def _process_after_commit(message_id: int) -> None:
    from duli.payments.tasks import webhook_process_task

    transaction.on_commit(lambda: webhook_process_task.enqueue(message_id=message_id))


def _with_reference(event: WebhookEvent, reference: str) -> WebhookEvent:
    from dataclasses import replace

    return replace(event, payment_id=reference)


def _jsonable(raw: Mapping[str, object]) -> dict[str, object]:
    import json

    return json.loads(json.dumps(dict(raw), default=str))
