"""Reads for the dashboard's payment screens: the installed providers with the state of their
settings, one method's settings for its form (secrets only as hints), and the payments
report. The report runs a fixed number of queries whatever its range (DESIGN rule 11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duli.core.crypto import SecretUnreadable, secret_hint
from duli.payments.models import Payment, PaymentMethod, PaymentTransaction, WebhookMessage
from duli.payments.providers.base import Capability, ConfigField, PaymentProvider
from duli.payments.providers.registry import installed
from duli.payments.selectors import method_config

# What a provider can do, as the short badges of the methods page (in this order).
CAPABILITY_LABELS: tuple[tuple[Capability, Any], ...] = (
    (Capability.MANUAL, gettext_lazy("Confirmed by hand")),
    (Capability.REFUND, gettext_lazy("Refunds")),
    (Capability.PARTIAL_REFUND, gettext_lazy("Partial refunds")),
    (Capability.QR_CODE, gettext_lazy("QR code")),
    (Capability.REDIRECT, gettext_lazy("Redirect")),
)
# Providers that never move real money.
TEST_PROVIDERS = frozenset({"testpay"})
ATTENTION_LIMIT = 50  # rows of each kind in "Needs attention"


def provider_label(code: str, classes: Mapping[str, type[PaymentProvider]] | None = None) -> str:
    """The name shoppers see for a provider, or its code when it is no longer installed."""
    cls = (classes if classes is not None else installed()).get(code)
    return cls(config={}).label() if cls is not None else code


def is_manual(cls: type[PaymentProvider]) -> bool:
    return Capability.MANUAL in cls.capabilities


# ---------------------------------------------------------------- methods page


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One installed provider on the methods page."""

    code: str
    label: str
    row: PaymentMethod | None  # None until the merchant sets it up
    capabilities: list[str]
    currencies: list[str]  # empty: every currency
    test_mode: bool
    manual: bool
    missing: list[str]  # labels of required settings not entered yet
    serves_shop_currency: bool
    unreadable: bool  # stored secrets cannot be decrypted (SECRET_KEY changed)

    @property
    def state(self) -> str:
        """ "on", "off" or "new" (never set up)."""
        if self.row is None:
            return "new"
        return "on" if self.row.is_enabled else "off"


def payment_providers_overview(*, shop_currency: str) -> list[ProviderRow]:
    """Every installed provider: those set up in the merchant's order first, then the rest
    by name. One query."""
    classes = installed()
    rows = {m.provider: m for m in PaymentMethod.objects.all()}
    ordered = [code for code in rows if code in classes]
    ordered += sorted(
        (code for code in classes if code not in rows),
        key=lambda c: (not is_manual(classes[c]), c),
    )
    out = []
    for code in ordered:
        cls = classes[code]
        row = rows.get(code)
        values, unreadable = _stored(row)
        currencies = sorted(cls.currencies, key=lambda c: (c != shop_currency, c))
        out.append(
            ProviderRow(
                code=code,
                label=provider_label(code, classes),
                row=row,
                capabilities=[
                    str(label) for cap, label in CAPABILITY_LABELS if cap in cls.capabilities
                ],
                currencies=currencies,
                test_mode=code in TEST_PROVIDERS,
                manual=is_manual(cls),
                missing=[str(f.label) for f in cls.config_fields if _missing(f, values)],
                serves_shop_currency=not cls.currencies or shop_currency in cls.currencies,
                unreadable=unreadable,
            )
        )
    return out


def _stored(row: PaymentMethod | None) -> tuple[dict[str, object], bool]:
    if row is None:
        return {}, False
    try:
        return method_config(row), False
    except SecretUnreadable:
        return dict(row.config), True


def _missing(f: ConfigField, values: Mapping[str, object]) -> bool:
    return f.required and not (values.get(f.name) or f.default)


# ---------------------------------------------------------------- one method


@dataclass(frozen=True, slots=True)
class MethodSettings:
    """A provider's settings as its form shows them: plain values, and for each stored
    secret only a hint ("••••••••1234")."""

    code: str
    label: str
    fields: tuple[ConfigField, ...]
    values: dict[str, str]
    hints: dict[str, str]
    is_enabled: bool
    exists: bool
    manual: bool
    test_mode: bool
    unreadable: bool


def payment_method_settings(*, code: str) -> MethodSettings | None:
    """None when no provider is installed under `code`."""
    cls = installed().get(code)
    if cls is None:
        return None
    row = PaymentMethod.objects.filter(provider=code).first()
    stored, unreadable = _stored(row)
    values, hints = {}, {}
    for f in cls.config_fields:
        value = stored.get(f.name)
        if f.secret:
            hints[f.name] = secret_hint(str(value or ""))
        else:
            values[f.name] = str(value) if value not in (None, "") else f.default
    return MethodSettings(
        code=code,
        label=provider_label(code),
        fields=tuple(cls.config_fields),
        values=values,
        hints=hints,
        is_enabled=bool(row and row.is_enabled),
        exists=row is not None,
        manual=is_manual(cls),
        test_mode=code in TEST_PROVIDERS,
        unreadable=unreadable,
    )


# ---------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Payments of one method in one status and currency, created in the range."""

    provider: str
    label: str
    status: str
    status_label: str
    currency: str
    count: int
    amount: Decimal
    captured: Decimal
    refunded: Decimal


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    captured: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.captured - self.refunded


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """Something the merchant should look at, with the order it belongs to (if known)."""

    kind: str  # "flag", "refund_failed", "webhook_flagged", "webhook_unmatched"
    title: str
    when: datetime
    provider: str
    message: str
    order_id: int | None = None
    order_number: str = ""
    amount: Decimal | None = None
    currency: str = ""
    reference: str = ""


@dataclass(slots=True)
class PaymentsReport:
    start: date
    end: date
    currency: str
    summary: list[SummaryRow]
    days: list[DayRow]
    captured: Decimal
    refunded: Decimal
    other_currencies: list[str]  # currencies of movements left out of `days`
    attention: list[AttentionItem] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.captured - self.refunded


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 30 days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the current time zone."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def payments_summary(*, start: date, end: date) -> list[SummaryRow]:
    """Payments created in the range by method, status and currency. One query."""
    since, until = _bounds(start, end)
    classes = installed()
    statuses = dict(Payment.Status.choices)
    rows = (
        Payment.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("provider", "status", "currency")
        .annotate(
            n=Count("pk"),
            total_amount=Sum("amount_amount"),
            total_captured=Sum("captured_amount"),
            total_refunded=Sum("refunded_amount"),
        )
        .order_by("provider", "status", "currency")
    )
    return [
        SummaryRow(
            provider=r["provider"],
            label=provider_label(r["provider"], classes),
            status=r["status"],
            status_label=str(statuses.get(r["status"], r["status"])),
            currency=r["currency"],
            count=r["n"],
            amount=r["total_amount"] or Decimal(0),
            captured=r["total_captured"] or Decimal(0),
            refunded=r["total_refunded"] or Decimal(0),
        )
        for r in rows
    ]


def payments_by_day(*, start: date, end: date, currency: str) -> tuple[list[DayRow], list[str]]:
    """Money captured and refunded (succeeded movements) per day in `currency`, oldest first,
    and the other currencies that moved in the range. One query."""
    since, until = _bounds(start, end)
    rows = (
        PaymentTransaction.objects.filter(
            status=PaymentTransaction.Status.SUCCEEDED,
            created_at__gte=since,
            created_at__lt=until,
        )
        .annotate(day=TruncDate("created_at"))
        .values("day", "currency")
        .annotate(
            captured=Sum("amount_amount", filter=Q(kind=PaymentTransaction.Kind.CAPTURE)),
            refunded=Sum("amount_amount", filter=Q(kind=PaymentTransaction.Kind.REFUND)),
        )
        .order_by("day", "currency")
    )
    days, others = [], set()
    for r in rows:
        if r["currency"] != currency:
            others.add(r["currency"])
            continue
        days.append(
            DayRow(
                day=r["day"],
                captured=r["captured"] or Decimal(0),
                refunded=r["refunded"] or Decimal(0),
            )
        )
    return days, sorted(others)


def payments_needing_attention(*, start: date, end: date) -> list[AttentionItem]:
    """Flagged payments, refunds the provider refused and webhooks that were flagged or
    matched no payment, in the range, newest first. Three queries."""
    since, until = _bounds(start, end)
    classes = installed()
    items: list[AttentionItem] = []
    flagged = list(
        Payment.objects.exclude(flag="")
        .filter(
            Q(created_at__gte=since, created_at__lt=until)
            | Q(updated_at__gte=since, updated_at__lt=until)
        )
        .select_related("order")
        .order_by("-updated_at", "-pk")[:ATTENTION_LIMIT]
    )
    flags = {p.pk: p.flag for p in flagged}
    for p in flagged:
        items.append(
            AttentionItem(
                kind="flag",
                title=_("Payment flagged"),
                when=p.updated_at,
                provider=provider_label(p.provider, classes),
                message=p.flag,
                order_id=p.order_id,
                order_number=p.order.number,
                amount=p.amount_amount,
                currency=p.currency,
                reference=p.reference or "",
            )
        )
    refunds = (
        PaymentTransaction.objects.filter(
            kind=PaymentTransaction.Kind.REFUND,
            status=PaymentTransaction.Status.FAILED,
            created_at__gte=since,
            created_at__lt=until,
        )
        .select_related("payment__order")
        .order_by("-created_at", "-pk")[:ATTENTION_LIMIT]
    )
    for tx in refunds:
        items.append(
            AttentionItem(
                kind="refund_failed",
                title=_("Refund failed"),
                when=tx.created_at,
                provider=provider_label(tx.payment.provider, classes),
                message=tx.message or _("The provider refused the refund."),
                order_id=tx.payment.order_id,
                order_number=tx.payment.order.number,
                amount=tx.amount_amount,
                currency=tx.currency,
                reference=tx.payment.reference or "",
            )
        )
    webhooks = (
        WebhookMessage.objects.filter(
            status__in=[WebhookMessage.Status.FLAGGED, WebhookMessage.Status.UNMATCHED],
            received_at__gte=since,
            received_at__lt=until,
        )
        .select_related("payment__order")
        .order_by("-received_at", "-pk")[:ATTENTION_LIMIT]
    )
    for w in webhooks:
        if w.payment_id is not None and flags.get(w.payment_id) == w.note:
            continue  # the flagged payment above says the same
        unmatched = w.status == WebhookMessage.Status.UNMATCHED
        items.append(
            AttentionItem(
                kind="webhook_unmatched" if unmatched else "webhook_flagged",
                title=_("Notification matched no payment")
                if unmatched
                else _("Notification flagged"),
                when=w.received_at,
                provider=provider_label(w.provider, classes),
                message=_unmatched_message(w) if unmatched else (w.note or w.message),
                order_id=w.payment.order_id if w.payment else None,
                order_number=w.payment.order.number if w.payment else "",
                amount=w.amount_amount,
                currency=w.currency,
                reference=w.payment_ref or w.provider_ref,
            )
        )
    items.sort(key=lambda i: i.when, reverse=True)
    return items


def _unmatched_message(w: WebhookMessage) -> str:
    return _(
        "No payment in this shop has this reference. Duli tries again for three days; if it "
        "stays, check the payment in the provider's dashboard (event %(event)s)."
    ) % {"event": w.event_id}


def payments_report(*, start: date, end: date, currency: str) -> PaymentsReport:
    """The whole report for [start, end]: five queries."""
    days, others = payments_by_day(start=start, end=end, currency=currency)
    return PaymentsReport(
        start=start,
        end=end,
        currency=currency,
        summary=payments_summary(start=start, end=end),
        days=days,
        captured=sum((d.captured for d in days), Decimal(0)),
        refunded=sum((d.refunded for d in days), Decimal(0)),
        other_currencies=others,
        attention=payments_needing_attention(start=start, end=end),
    )
