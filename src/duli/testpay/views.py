"""The processor's hosted pages: the card form, its error state and the 3-D Secure step.

Card numbers go no further than `processor.charge_pay`, which keeps only brand and last four
digits. The pages are the processor's, not the shop's: their own look, no shop templates.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from duli.core.errors import InvalidInput
from duli.testpay import processor
from duli.testpay.cards import TEST_CARDS
from duli.testpay.forms import CardForm
from duli.testpay.models import Charge

Status = Charge.Status


@never_cache
@sensitive_post_parameters("number", "exp", "cvc", "name")
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, charge_id: str) -> HttpResponse:
    """GET: the card form (or where the charge stands). POST: pay with the card."""
    charge = _charge(charge_id)
    if charge.status == Status.REQUIRES_ACTION:
        return redirect("testpay:authenticate", charge_id=charge.pk)
    form = CardForm()
    if request.method == "POST" and charge.status == Status.REQUIRES_PAYMENT:
        form = CardForm(request.POST)
        if form.is_valid():
            try:
                charge = processor.charge_pay(
                    charge_id=charge.pk, card_number=form.cleaned_data["number"]
                )
            except InvalidInput as error:
                form.add_error("number", error.message)
            else:
                return _after(charge)
    elif request.method == "POST":
        return redirect("testpay:pay", charge_id=charge.pk)  # a double submit: show the state
    return _page(request, "testpay/pay.html", charge, form=form, values=_values(form))


@never_cache
@require_POST
def retry(request: HttpRequest, charge_id: str) -> HttpResponse:
    """ "Try another card" after a decline."""
    charge = processor.charge_retry(charge_id=_charge(charge_id).pk)
    return redirect("testpay:pay", charge_id=charge.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def authenticate(request: HttpRequest, charge_id: str) -> HttpResponse:
    """The card issuer's 3-D Secure challenge: complete or fail authentication."""
    charge = _charge(charge_id)
    if charge.status != Status.REQUIRES_ACTION:
        return redirect("testpay:pay", charge_id=charge.pk)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome in ("complete", "fail"):
            charge = processor.charge_authenticate(
                charge_id=charge.pk, approve=outcome == "complete"
            )
            return _after(charge)
    return _page(request, "testpay/authenticate.html", charge)


def _charge(charge_id: str) -> Charge:
    try:
        return processor.charge_get(charge_id)
    except processor.ChargeNotFound:
        raise Http404(charge_id) from None


def _after(charge: Charge) -> HttpResponse:
    """Where the shopper goes once the processor has answered."""
    if charge.status == Status.SUCCEEDED:
        return HttpResponseRedirect(charge.return_url)
    if charge.status == Status.REQUIRES_ACTION:
        return redirect("testpay:authenticate", charge_id=charge.pk)
    return redirect("testpay:pay", charge_id=charge.pk)


def _values(form: CardForm) -> dict[str, Any]:
    return form.values() if form.is_bound else {"number": "", "exp": "", "name": ""}


def _page(request: HttpRequest, template: str, charge: Charge, **context: Any) -> HttpResponse:
    response = render(
        request,
        template,
        {
            "charge": charge,
            "amount": charge.money.format(get_language() or settings.LANGUAGE_CODE),
            "failure": processor.failure_text(charge.failure_code),
            "test_cards": TEST_CARDS,
            "cancel_href": charge.cancel_url or charge.return_url,
            **context,
        },
    )
    # The forms end in a redirect to the shop, which may live on another origin.
    origins = {_origin(url) for url in (charge.return_url, charge.cancel_url)} - {""}
    response._csp_config = {  # type: ignore[attr-defined]
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *sorted(origins)],
    }
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
