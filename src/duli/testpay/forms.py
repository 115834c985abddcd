"""The card form on the hosted page: each field checked with a message saying what to fix."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duli.testpay.cards import card_number_valid, digits_only


class CardForm(forms.Form):
    number = forms.CharField(
        label=_("Card number"),
        max_length=40,
        error_messages={"required": _("Enter your card number.")},
    )
    exp = forms.CharField(
        label=_("Expiry date"),
        max_length=9,
        error_messages={"required": _("Enter the expiry date as MM/YY.")},
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=10,
        error_messages={"required": _("Enter the 3 or 4 digit security code.")},
    )
    name = forms.CharField(
        label=_("Name on card"),
        max_length=100,
        error_messages={"required": _("Enter the name as it appears on the card.")},
    )

    def clean_number(self) -> str:
        number = digits_only(self.cleaned_data["number"])
        if not number.isdigit() or not number.isascii():
            raise forms.ValidationError(_("A card number has only digits."))
        if len(number) < 12:
            raise forms.ValidationError(_("This card number is too short."))
        if not card_number_valid(number):
            raise forms.ValidationError(
                _("This card number is not valid. Check the digits and try again.")
            )
        return number

    def clean_exp(self) -> tuple[int, int]:
        value = self.cleaned_data["exp"].replace(" ", "")
        match = re.fullmatch(r"(\d{1,2})/(\d{2}|\d{4})", value) or re.fullmatch(
            r"(\d{2})(\d{2})", value
        )
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Enter the expiry date as MM/YY, for example 12/34."))
        month, year = int(match[1]), int(match[2])
        year += 2000 if year < 100 else 0
        today = timezone.localdate()
        if date(year, month, 1) < today.replace(day=1):
            raise forms.ValidationError(
                _("This card has expired. Use a card with an expiry date in the future.")
            )
        return month, year

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not re.fullmatch(r"[0-9]{3,4}", cvc):
            raise forms.ValidationError(
                _("Enter the 3 or 4 digit security code from the back of the card.")
            )
        return cvc

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the name as it appears on the card."))
        return name

    def values(self) -> dict[str, Any]:
        """What to show again in the fields after an error (never the security code)."""
        return {key: self.data.get(key, "") for key in ("number", "exp", "name")}
