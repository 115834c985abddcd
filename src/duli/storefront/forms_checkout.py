"""Forms of the checkout steps and order pages. They only read and shape what was typed;
the checkout and order services decide (and their `DomainError`s land on these fields).

The address itself is `duli.storefront.forms_address.AddressForm`, built per country.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from duli.checkout.selectors import MAX_LINE_QUANTITY

NOTE_MAX = 1000
RETURN_NOTE_MAX = 2000


class EmailInput(forms.EmailInput):
    """type=email already brings the email keyboard; autocomplete lets browsers fill it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "autocomplete": "email",
            "inputmode": "email",
            "autocapitalize": "none",
            "spellcheck": "false",
            "required": True,
        }
        super().__init__(attrs={**base, **(attrs or {})})


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send your order confirmation here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
        widget=EmailInput(),
    )


class ShippingMethodForm(forms.Form):
    method = forms.TypedChoiceField(
        label=_("Shipping method"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a shipping method."),
            "invalid_choice": _(
                "That shipping method is not available for your address. Choose another."
            ),
        },
    )

    def __init__(self, *args: Any, method_ids: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(str(i), str(i)) for i in method_ids]  # type: ignore[attr-defined]


class PaymentForm(forms.Form):
    checkout_id = forms.UUIDField(widget=forms.HiddenInput)
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a payment method."),
            "invalid_choice": _("Choose a payment method."),
        },
    )
    note = forms.CharField(
        label=_("Note for the shop"),
        help_text=_("Delivery instructions, a gift message — anything we should know."),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
        error_messages={"max_length": _("Keep the note under 1,000 characters.")},
    )

    def __init__(self, *args: Any, providers: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [(p, p) for p in providers]  # type: ignore[attr-defined]


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=20,
        help_text=_("It is in your confirmation email, like 7KQ4-M9XA."),
        error_messages={"required": _("Enter your order number.")},
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address you ordered with."),
        error_messages={
            "required": _("Enter the email address you ordered with."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
        widget=EmailInput(),
    )


class ReturnForm(forms.Form):
    """One quantity field per returnable line (`line_<id>`), a reason and a note."""

    reason = forms.ChoiceField(
        label=_("Why are you returning them?"),
        error_messages={
            "required": _("Tell us why you are returning the items."),
            "invalid_choice": _("Tell us why you are returning the items."),
        },
    )
    note = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=RETURN_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": RETURN_NOTE_MAX}),
        error_messages={"max_length": _("Keep the note under 2,000 characters.")},
    )

    def __init__(
        self,
        *args: Any,
        returnable: dict[int, int],
        reasons: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason")), *reasons]  # type: ignore[attr-defined]
        for line_id, most in returnable.items():
            self.fields[f"line_{line_id}"] = forms.TypedChoiceField(
                label=_("Quantity to return"),
                coerce=int,
                choices=[(str(n), str(n)) for n in range(0, min(most, MAX_LINE_QUANTITY) + 1)],
                initial="0",
                required=False,
                empty_value=None,
            )

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): int(value or 0)
            for name, value in self.cleaned_data.items()
            if name.startswith("line_")
        }

    def line_field(self, line_id: int) -> forms.BoundField | None:
        name = f"line_{line_id}"
        return self[name] if name in self.fields else None
