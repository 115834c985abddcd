"""Shop settings: name, look, currency, languages, home hero, contacts and policies."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from duli.core.errors import DomainError
from duli.core.selectors import shop_settings_get
from duli.core.services import shop_settings_update
from duli.dashboard.forms import ShopSettingsForm
from duli.dashboard.views.access import domain_error_message, staff_required


@staff_required
def shop_settings(request: HttpRequest) -> HttpResponse:
    shop = shop_settings_get()
    form = ShopSettingsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=ShopSettingsForm.initial_for(shop),
    )
    if request.method == "POST" and form.is_valid():
        try:
            # One language per call; together they succeed or fail.
            with transaction.atomic():
                for call in form.service_calls():
                    shop_settings_update(**call)
        except DomainError as exc:
            form.add_error(None, domain_error_message(exc))
        else:
            messages.success(request, _("Settings saved. The shop shows them now."))
            return redirect("dashboard:settings")
    return render(
        request, "dashboard/settings.html", {"form": form, "shop": shop, "nav": "settings"}
    )
