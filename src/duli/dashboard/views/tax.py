"""Tax: the classes (standard, reduced …) and their rates, grouped by country."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duli.core.errors import DomainError
from duli.core.selectors import shop_settings_get
from duli.dashboard.forms_tax import TaxClassForm, TaxRateForm, region_select_choices
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.tax.errors import RateExists, TaxClassCodeTaken, UnknownCountry, UnknownRegion
from duli.tax.models import TaxClass, TaxRate
from duli.tax.selectors import tax_class_choices, tax_classes_all, tax_rates_by_country
from duli.tax.services import (
    tax_class_create,
    tax_class_delete,
    tax_class_update,
    tax_rate_delete,
    tax_rate_set,
    tax_rate_update,
    tax_rates_examples_ensure,
)


@staff_required
def tax_overview(request: HttpRequest) -> HttpResponse:
    classes = tax_classes_all()
    groups = tax_rates_by_country(language=get_language())
    counts: dict[int, int] = {}
    for group in groups:
        for row in group.rows:
            counts[row.tax_class_id] = counts.get(row.tax_class_id, 0) + 1
    return render(
        request,
        "dashboard/tax/overview.html",
        {
            "classes": [(c, counts.get(c.pk, 0)) for c in classes],
            "groups": groups,
            "shop": shop_settings_get(),
            "nav": "tax",
        },
    )


@staff_required
def tax_class_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tax_class = None
    if pk:
        tax_class = TaxClass.objects.prefetch_related("translations").filter(pk=pk).first()
        if tax_class is None:
            raise Http404
    initial = TaxClassForm.initial_for(tax_class) if tax_class else {"position": 0}
    form = TaxClassForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if tax_class is None:
                saved = tax_class_create(
                    code=d["code"],
                    names=form.names(),
                    position=d["position"],
                    is_default=d["is_default"],
                )
            else:
                saved = tax_class_update(
                    tax_class_id=tax_class.pk,
                    names=form.names(),
                    code=d["code"],
                    position=d["position"],
                    is_default=d["is_default"],
                )
        except DomainError as exc:
            form.add_error(
                "code" if isinstance(exc, TaxClassCodeTaken) else None, domain_error_message(exc)
            )
        else:
            messages.success(request, _("Tax class “%(name)s” saved.") % {"name": saved})
            return redirect("dashboard:tax_overview")
    return render(
        request,
        "dashboard/tax/class_edit.html",
        {"form": form, "tax_class": tax_class, "nav": "tax"},
    )


@staff_required
@require_POST
def tax_class_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    tax_class = TaxClass.objects.filter(pk=pk).first()
    if tax_class is None:
        raise Http404
    name = str(tax_class)
    try:
        tax_class_delete(tax_class_id=pk)
    except DomainError as exc:
        messages.error(
            request,
            _("“%(name)s” was not deleted: %(reason)s")
            % {"name": name, "reason": domain_error_message(exc)},
        )
        return redirect("dashboard:tax_class_edit", pk=pk)
    messages.success(request, _("Tax class “%(name)s” deleted.") % {"name": name})
    return redirect("dashboard:tax_overview")


_RATE_ERROR_FIELDS: dict[type[DomainError], str] = {
    UnknownCountry: "country",
    UnknownRegion: "region",
    RateExists: "region",
}


@staff_required
def tax_rate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rate = None
    if pk:
        rate = TaxRate.objects.select_related("tax_class").filter(pk=pk).first()
        if rate is None:
            raise Http404
    initial: dict[str, Any] = (
        TaxRateForm.initial_for(rate)
        if rate
        else {"country": request.GET.get("country", "").upper(), "tax_class": "standard"}
    )
    form = TaxRateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        tax_classes=tax_class_choices(),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = {
            "tax_class_code": d["tax_class"],
            "country": d["country"],
            "region": d["region"],
            "rate": d["rate"],
        }
        try:
            if rate is None:
                tax_rate_set(**values)
            else:
                tax_rate_update(tax_rate_id=rate.pk, **values)
        except DomainError as exc:
            form.add_error(_RATE_ERROR_FIELDS.get(type(exc)), domain_error_message(exc))
        else:
            messages.success(request, _("Tax rate saved."))
            return redirect("dashboard:tax_overview")
    return render(
        request, "dashboard/tax/rate_edit.html", {"form": form, "rate": rate, "nav": "tax"}
    )


@staff_required
@require_POST
def tax_rate_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tax_rate_delete(tax_rate_id=pk)
    except DomainError as exc:
        messages.error(request, domain_error_message(exc))
    else:
        messages.success(request, _("Tax rate deleted."))
    return redirect("dashboard:tax_overview")


@staff_required
@require_POST
def tax_examples(request: HttpRequest) -> HttpResponse:
    added = tax_rates_examples_ensure()
    if added:
        messages.success(
            request, _("%(n)d example rates added. Check them before you sell.") % {"n": added}
        )
    else:
        messages.info(request, _("The shop has tax rates already; nothing was added."))
    return redirect("dashboard:tax_overview")


@staff_required
@require_GET
def tax_regions(request: HttpRequest) -> JsonResponse:
    """The region choices of a country, for the rate form's script."""
    country = request.GET.get("country", "").upper()[:2]
    return JsonResponse(
        {"regions": [{"code": c, "name": str(n)} for c, n in region_select_choices(country)]}
    )
