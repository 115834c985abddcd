"""Shop-level settings the merchant edits in the dashboard (not env vars)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from duli.core.fields import SanitizedHTMLField

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f6f5c."))


class ShopSettings(TranslatableModel):
    """One row (pk=1). Read it through `duli.core.selectors.shop_settings_get`."""

    logo = models.ImageField(upload_to="shop/", blank=True)
    hero_image = models.ImageField(upload_to="shop/", blank=True)
    primary_color = models.CharField(max_length=7, default="#1f6f5c", validators=[hex_colour])
    accent_color = models.CharField(max_length=7, default="#e4572e", validators=[hex_colour])
    currency = models.CharField(max_length=3, default="USD")
    languages = models.JSONField(default=list, blank=True)  # enabled codes; empty = all
    contact_email = models.EmailField(blank=True)
    address = models.TextField(
        _("business address"),
        blank=True,
        help_text=_("Company name, street, city and postcode, and a tax number if you have one."),
    )
    alert_email = models.EmailField(blank=True, help_text=_("Where low-stock alerts go."))
    catalog_version = models.PositiveBigIntegerField(default=1)  # part of page-cache keys
    # Checkout and orders
    country = models.CharField(
        _("shop country"), max_length=2, default="US", help_text=_("Where the shop ships from.")
    )
    prices_include_tax = models.BooleanField(
        _("prices include tax"),
        default=False,
        help_text=_(
            "On: prices are entered and shown with tax (EU, China). Off: tax is added at checkout (US)."
        ),
    )
    unpaid_cancel_hours = models.PositiveIntegerField(
        _("cancel unpaid orders after (hours)"),
        default=72,
        help_text=_("Unpaid orders are cancelled and their stock released after this long."),
    )
    return_window_days = models.PositiveIntegerField(
        _("return window (days)"), default=14, help_text=_("0 turns returns off.")
    )
    order_alert_email = models.EmailField(
        blank=True, help_text=_("Where new-order alerts go (the contact email when empty).")
    )
    updated_at = models.DateTimeField(auto_now=True)

    translations = TranslatedFields(
        name=models.CharField(_("shop name"), max_length=120, default="Duli Shop"),
        tagline=models.CharField(max_length=200, blank=True),
        hero_title=models.CharField(max_length=160, blank=True),
        hero_text=models.CharField(max_length=300, blank=True),
        hero_link_label=models.CharField(max_length=60, blank=True),
        hero_link_url=models.CharField(max_length=300, blank=True),
        shipping_policy=SanitizedHTMLField(blank=True),
        returns_policy=SanitizedHTMLField(blank=True),
        privacy_policy=SanitizedHTMLField(blank=True),
        terms=SanitizedHTMLField(blank=True),
        bank_transfer_instructions=models.TextField(
            _("bank transfer instructions"),
            blank=True,
            help_text=_("Account name, IBAN or account number, and what to write as reference."),
        ),
    )

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or "Shop")


class IdempotencyKey(models.Model):
    """One row per (scope, key) an action has run under; a replay finds it and does nothing.

    Written in the same transaction as the action, so a rolled-back action leaves no key.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
