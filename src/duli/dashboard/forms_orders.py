"""Dashboard forms for orders and customers. They parse what the merchant typed and hand the
order services their arguments; the services decide (and refuse with a readable message).

Every action form carries a hidden `idempotency_key`, a fresh UUID when the form is drawn:
a double click or a resubmitted page sends the same key, and the service does the work once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from duli.core.errors import DomainError
from duli.core.money import Money, currency_places
from duli.customers.addresses import ADDRESS_FIELDS, MAX_LENGTHS
from duli.customers.errors import AddressInvalid
from duli.customers.selectors import address_countries, address_form_spec
from duli.orders.models import Order, OrderLine
from duli.orders.states import FulfillmentStatus, OrderStatus, PaymentStatus


def new_key() -> str:
    return uuid.uuid4().hex


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a refusal on the field it names (when the form has that field), else on top.
    An invalid address lands field by field."""
    if isinstance(exc, AddressInvalid):
        errors = getattr(exc, "errors", {}) or {}
        for name, message in errors.items():
            form.add_error(name if name in form.fields else None, message)
        if errors:
            return
    field = exc.context.get("field")
    form.add_error(field if field in form.fields else None, exc.message)


def date_field(label: Any) -> forms.DateField:
    """An optional date, picked with the browser's date input."""
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ActionForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=new_key)

    def key(self) -> str:
        return str(self.cleaned_data["idempotency_key"])


def _amount_field(currency: str, label: Any, **kwargs: Any) -> forms.DecimalField:
    places = currency_places(currency)
    step = "1" if places == 0 else "0." + "0" * (places - 1) + "1"
    return forms.DecimalField(
        label=label,
        max_digits=16,
        decimal_places=places,
        min_value=Decimal(step),
        widget=forms.NumberInput(attrs={"step": step, "inputmode": "decimal"}),
        error_messages={
            "min_value": _("Enter an amount above zero."),
            "max_decimal_places": _("Enter the amount to the cent."),
        },
        **kwargs,
    )


def _amount_text(money: Money) -> str:
    return str(money.rounded().amount)


# ---------------------------------------------------------------- list filters


class OrderFilterForm(forms.Form):
    """The order list's filters (GET). Bad dates are reported and ignored."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Any status")), *OrderStatus.choices],
    )
    payment_status = forms.ChoiceField(
        required=False,
        label=_("Payment"),
        choices=[("", _("Any payment")), *PaymentStatus.choices],
    )
    fulfillment_status = forms.ChoiceField(
        required=False,
        label=_("Fulfilment"),
        choices=[("", _("Any fulfilment")), *FulfillmentStatus.choices],
    )
    date_from = date_field(_("From"))
    date_to = date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters as `orders_for_dashboard` arguments (invalid ones left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {
            "q": data.get("q") or "",
            "queue": data.get("queue") or "",
            "status": data.get("status") or "",
            "payment_status": data.get("payment_status") or "",
            "fulfillment_status": data.get("fulfillment_status") or "",
        }
        for name in ("date_from", "date_to"):
            if name not in self.errors:
                out[name] = data.get(name)
        if "date_to" in self.errors:
            out["date_from"] = out["date_to"] = None
        return out


# ---------------------------------------------------------------- order actions


class MarkPaidForm(ActionForm):
    reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=120,
        help_text=_("Optional: the bank transfer's reference or a receipt number."),
    )


class FulfilForm(ActionForm):
    """One quantity per line still to ship (default: all of it), a carrier and a number.

    The form checks only that quantities are whole and not negative; what is left to ship
    is the service's to check, under the order's lock. So a resubmitted form (same key)
    reaches the service, which returns the parcel it already made instead of a refusal.
    """

    carrier = forms.ChoiceField(label=_("Carrier"), required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=80)

    def __init__(
        self,
        *args: Any,
        lines: list[OrderLine],
        carriers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        carrier_field = self.fields["carrier"]
        assert isinstance(carrier_field, forms.ChoiceField)
        carrier_field.choices = [("", _("No carrier / other")), *carriers]
        self.lines = lines
        self.line_rows: list[tuple[OrderLine, forms.BoundField]] = []
        for line in lines:
            name = f"line_{line.pk}"
            left = line.quantity_unfulfilled
            self.fields[name] = forms.IntegerField(
                label=line.product_name,
                required=False,
                min_value=0,
                initial=left,
                error_messages={"min_value": _("Enter 0 or more.")},
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "numeric",
                        "class": "qty-input",
                        "max": left,
                        "data-max-qty": "",
                    }
                ),
            )
            if left > 0:
                self.line_rows.append((line, self[name]))

    def service_kwargs(self) -> dict[str, Any]:
        lines = {line.pk: int(self.cleaned_data.get(f"line_{line.pk}") or 0) for line in self.lines}
        return {
            "lines": {k: v for k, v in lines.items() if v},
            "carrier_code": self.cleaned_data["carrier"] or "",
            "tracking_number": self.cleaned_data["tracking_number"] or "",
            "idempotency_key": self.key(),
        }


class CancelForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Shown on the order's timeline."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    refund = forms.BooleanField(
        label=_("Refund the amount paid in full"), required=False, initial=True
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offers_refund = order.payment_status == PaymentStatus.PAID
        if not self.offers_refund:
            del self.fields["refund"]

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "reason": self.cleaned_data["reason"].strip(),
            "refund": bool(self.cleaned_data.get("refund")),
            "idempotency_key": self.key(),
        }


class RefundForm(ActionForm):
    """An amount (default: all that can still be refunded) and units to put back."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=120)

    def __init__(self, *args: Any, order: Order, lines: list[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = order.currency
        refundable = order.paid - order.refunded
        self.fields["amount"] = _amount_field(
            order.currency,
            _("Amount (%(currency)s)") % {"currency": order.currency},
            initial=_amount_text(refundable),
            help_text=_("Up to %(amount)s can be refunded.")
            % {"amount": refundable.format(translation.get_language() or "en")},
        )
        self.order_fields(["amount", "reason"])
        self.line_rows: list[tuple[OrderLine, forms.BoundField]] = []
        for line in lines:
            name = f"restock_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=line.product_name,
                required=False,
                min_value=0,
                max_value=line.quantity,
                initial=0,
                error_messages={"max_value": _("At most %(limit_value)s.")},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty-input"}),
            )
            self.line_rows.append((line, self[name]))

    def service_kwargs(self) -> dict[str, Any]:
        restock = {
            line.pk: int(self.cleaned_data.get(f"restock_{line.pk}") or 0)
            for line, _field in self.line_rows
        }
        return {
            "amount": Money(self.cleaned_data["amount"], self.currency),
            "restock": {k: v for k, v in restock.items() if v},
            "reason": self.cleaned_data["reason"].strip(),
            "idempotency_key": self.key(),
        }


class NoteForm(ActionForm):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Only staff see notes. Shoppers never do.")}
        ),
        error_messages={"required": _("Write the note first.")},
    )


class ShippingAddressForm(forms.Form):
    """The order's shipping address, laid out and labelled for its country. The address
    service validates it; its per-field messages land on the fields."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        address: Mapping[str, Any],
        countries: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = {name: address.get(name, "") for name in ADDRESS_FIELDS}
        super().__init__(data, initial=initial, prefix="address", **kwargs)
        language = translation.get_language() or "en"
        current = str(address.get("country") or "").upper()
        only = sorted({*countries, current}) if countries and current else countries or None
        choices = address_countries(language=language, only=only)
        codes = {code for code, _name in choices}
        posted = str(self.data.get(self.add_prefix("country")) or "").upper() if data else ""
        country = posted if posted in codes else current if current in codes else ""
        country = country or (choices[0][0] if choices else "US")
        self.spec = address_form_spec(country=country, language=language)
        self.fields["country"] = forms.ChoiceField(
            label=_("Country or region"),
            choices=choices,
            error_messages={"invalid_choice": _("Choose a country or region from the list.")},
        )
        for spec in self.spec.fields:
            field: forms.Field
            if spec.name == "country_area" and spec.choices:
                field = forms.ChoiceField(
                    label=spec.label, required=False, choices=[("", "—"), *spec.choices]
                )
            else:
                field = forms.CharField(
                    label=spec.label, required=False, max_length=MAX_LENGTHS[spec.name]
                )
            field.help_text = spec.help_text
            if spec.required:
                field.widget.attrs["required"] = True
            field.widget.is_required = spec.required
            self.fields[spec.name] = field

    @property
    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in row if name in self.fields] for row in self.spec.rows]

    def address(self) -> dict[str, str]:
        return {
            name: str(self.cleaned_data.get(name) or "")
            for name in ADDRESS_FIELDS
            if name in self.fields
        }


# ---------------------------------------------------------------- returns


class ReturnRejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the return declined?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The shopper reads this."),
        error_messages={"required": _("Tell the shopper why the return is declined.")},
    )


class ReturnReceiveForm(forms.Form):
    restock = forms.BooleanField(
        label=_("Put the returned items back in stock"), required=False, initial=True
    )


class ReturnRefundForm(ActionForm):
    def __init__(self, *args: Any, currency: str, suggested: Money, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"] = _amount_field(
            currency,
            _("Refund amount (%(currency)s)") % {"currency": currency},
            initial=_amount_text(suggested),
            help_text=_("What the returned items were paid for: %(amount)s.")
            % {"amount": suggested.format(translation.get_language() or "en")},
        )

    def money(self) -> Money:
        return Money(self.cleaned_data["amount"], self.currency)


# ---------------------------------------------------------------- customers


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
