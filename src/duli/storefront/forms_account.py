"""The shopper's profile form (name). Email and password are changed on allauth's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from duli.customers.services import FULL_NAME_MAX


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=FULL_NAME_MAX,
        required=False,
        help_text=_("How we greet you in emails."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
