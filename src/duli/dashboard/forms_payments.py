"""Dashboard forms for payments: a provider's settings, built from its `config_fields`, and
the report's date range. They validate input; `payment_method_configure` writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from duli.dashboard.forms_orders import date_field
from duli.dashboard.selectors_payments import MethodSettings, default_range
from duli.payments.providers.base import ConfigField

# Keys and IDs are case-sensitive: no capitals, corrections or spelling marks from the phone.
_KEY_ATTRS = {"autocapitalize": "off", "autocorrect": "off", "spellcheck": "false"}
MAX_LINE = 500
MAX_TEXT = 20_000  # a PEM key or certificate


class SecretTextarea(forms.Textarea):
    """A textarea that never shows a value, not even what was typed before an error."""

    def format_value(self, value: Any) -> str | None:
        return None


class PaymentMethodForm(forms.Form):
    """The settings of one provider, and whether shoppers are offered it. Every setting is
    optional here: a blank secret keeps the stored one, and the service says what is
    missing when the method is turned on."""

    is_enabled = forms.BooleanField(label=_("Offer at checkout"), required=False)

    def __init__(self, data: Any = None, *, method: MethodSettings) -> None:
        initial: dict[str, Any] = {"is_enabled": method.is_enabled, **method.values}
        super().__init__(data, initial=initial)
        self.method = method
        for f in method.fields:
            self.fields[f.name] = _field(f)
            if f.secret and method.hints.get(f.name):
                self.fields[f.name].widget.attrs["placeholder"] = _(
                    "Type a new value to replace it"
                )

    def config_values(self) -> dict[str, str]:
        """What the service saves: every setting as entered (blank secrets are kept)."""
        return {f.name: self.cleaned_data.get(f.name) or "" for f in self.method.fields}

    def config_rows(self) -> list[tuple[forms.BoundField, ConfigField, str]]:
        """(bound field, its ConfigField, the stored secret's hint) for the template."""
        return [(self[f.name], f, self.method.hints.get(f.name, "")) for f in self.method.fields]


def _field(f: ConfigField) -> forms.Field:
    if f.choices:
        choices = [(value, str(label)) for value, label in f.choices]
        if not f.default:
            choices.insert(0, ("", "—"))
        return forms.ChoiceField(
            label=str(f.label),
            required=False,
            choices=choices,
            help_text=str(f.help),
            error_messages={"invalid_choice": _("Choose one of the offered values.")},
        )
    attrs = dict(_KEY_ATTRS)
    widget: forms.Widget
    if f.secret:
        attrs["autocomplete"] = "off"
        if f.multiline:
            widget = SecretTextarea(attrs={**attrs, "rows": 6, "class": "mono secret-text"})
        else:
            widget = forms.PasswordInput(attrs=attrs, render_value=False)
    elif f.multiline:
        widget = forms.Textarea(attrs={**attrs, "rows": 6, "class": "mono"})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=str(f.label),
        required=False,
        max_length=MAX_TEXT if f.multiline else MAX_LINE,
        strip=True,
        widget=widget,
        help_text=str(f.help),
    )


class ReportRangeForm(forms.Form):
    """The report's dates (GET). Missing dates take the last 30 days; bad ones are
    reported and the default range is shown instead."""

    date_from = date_field(_("From"))
    date_to = date_field(_("To"))

    MAX_DAYS = 366 * 3

    def __init__(self, data: Any = None) -> None:
        start, end = default_range()
        super().__init__(data, initial={"date_from": start, "date_to": end})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("date_from") or self.has_error("date_to"):
            return cleaned
        start, end = self._effective(cleaned.get("date_from"), cleaned.get("date_to"))
        if start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("date_from", _("Choose a range of three years or less."))
        return cleaned

    @staticmethod
    def _effective(start: date | None, end: date | None) -> tuple[date, date]:
        default_start, default_end = default_range()
        if start and not end:
            end = max(default_end, start)
        end = end or default_end
        return start or end - (default_end - default_start), end

    def range(self) -> tuple[date, date]:
        """The range asked for (a missing end is today, a missing start 30 days before the
        end), or the last 30 days when the dates are bad."""
        if not self.is_valid():
            return default_range()
        return self._effective(self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to"))
