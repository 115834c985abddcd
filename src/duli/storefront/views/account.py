"""A shopper's own pages: account home, profile (name) and the address book, plus the
endpoint that re-renders an address form's fields for another country.

Sign-in, sign-up, email and password pages are django-allauth's (see `urls_account.py`).
Every page here is private: never page-cached, and a signed-out visitor is sent to the
shop's sign-in page (`account_login`), which brings them back afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from duli.core.errors import DomainError
from duli.customers import selectors, services
from duli.customers.errors import AddressNotFound
from duli.customers.models import User
from duli.storefront.cache import request_shop, storefront_page
from duli.storefront.forms_account import ProfileForm
from duli.storefront.forms_address import AddressForm

View = Callable[..., HttpResponse]
_PREFIX = re.compile(r"^[A-Za-z0-9_-]{0,40}$")


def shopper_page(view: View) -> View:
    """A private storefront page: the path's language, no caching, signed-in only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
        return view(request, *args, **kwargs)

    return storefront_page(never_cache(wrapper), cached=False)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _language() -> str:
    return translation.get_language() or "en"


@shopper_page
@require_GET
def account_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "storefront/account/home.html",
        {
            "page_title": _("Your account"),
            "default_address": selectors.address_default_for(user_id=user.pk),
            "verified_emails": selectors.user_emails_verified(user_id=user.pk),
        },
    )


@shopper_page
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(user_id=user.pk, full_name=form.cleaned_data["full_name"])
        except DomainError as exc:
            form.add_error("full_name", exc.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("storefront:account_profile")
    return render(
        request,
        "storefront/account/profile.html",
        {"page_title": _("Profile"), "form": form},
        status=400 if form.errors else 200,
    )


@shopper_page
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "storefront/account/addresses.html",
        {
            "page_title": _("Addresses"),
            "addresses": list(selectors.addresses_for(user_id=user.pk)),
            "limit": services.ADDRESS_BOOK_LIMIT,
        },
    )


@shopper_page
def address_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AddressForm(request.POST or None, country=request_shop(request).country)
    if request.method == "POST" and form.is_valid() and form.address is not None:
        try:
            services.address_create(
                user_id=user.pk,
                data=form.address,
                make_default=bool(request.POST.get("make_default")),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The address was added."))
            return redirect("storefront:address_list")
    return render(
        request,
        "storefront/account/address_form.html",
        {"page_title": _("Add an address"), "form": form, "address": None},
        status=400 if form.errors else 200,
    )


@shopper_page
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    user = _user(request)
    try:
        address = selectors.address_get(user_id=user.pk, address_id=address_id)
    except AddressNotFound:
        raise Http404("no such address") from None
    form = AddressForm(request.POST or None, initial=address.as_data().as_dict())
    if request.method == "POST" and form.is_valid() and form.address is not None:
        try:
            services.address_update(user_id=user.pk, address_id=address.pk, data=form.address)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The address was saved."))
            return redirect("storefront:address_list")
    return render(
        request,
        "storefront/account/address_form.html",
        {"page_title": _("Edit address"), "form": form, "address": address},
        status=400 if form.errors else 200,
    )


@shopper_page
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        services.address_delete(user_id=_user(request).pk, address_id=address_id)
    except AddressNotFound:
        raise Http404("no such address") from None
    messages.success(request, _("The address was deleted."))
    return redirect("storefront:address_list")


@shopper_page
@require_POST
def address_set_default(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        services.address_set_default(user_id=_user(request).pk, address_id=address_id)
    except AddressNotFound:
        raise Http404("no such address") from None
    messages.success(request, _("Your default shipping address was changed."))
    return redirect("storefront:address_list")


@storefront_page
@require_GET
def address_fields(request: HttpRequest) -> HttpResponse:
    """The fields of an address form for `?country=XX` with form prefix `?prefix=…`, as
    the HTML partial `storefront/partials/address_fields.html`; address.js swaps them in
    when the shopper picks another country. The same for everyone, so page-cached."""
    country = request.GET.get("country", "").strip().upper()
    prefix = request.GET.get("prefix", "")
    if not _PREFIX.match(prefix):
        return JsonResponse(
            {
                "code": "invalid",
                "message": _("The form prefix may hold only letters, digits, - and _."),
            },
            status=400,
        )
    if not selectors.address_countries(language=_language(), only=[country]):
        return JsonResponse(
            {"code": "invalid", "message": _("Choose a country or region from the list.")},
            status=400,
        )
    form = AddressForm(country=country, prefix=prefix or None)
    return render(request, "storefront/partials/address_fields.html", {"form": form})
