"""Storefront URLs for account pages (sign in, sign up, profile, addresses, orders).

`urlpatterns` (namespace `storefront`, inside the language prefix of `urls.py`):
account, account_profile, address_list, address_create, address_edit, address_delete,
address_set_default, address_fields.

`allauth_urlpatterns`: django-allauth's pages under `accounts/` (login, signup, logout,
password reset and change, email), behind the same language prefix. allauth reverses its
URL names without a namespace (`account_login`), so these must be mounted in the root
URLconf, outside the `storefront` namespace:

    urlpatterns = [..., *allauth_urlpatterns, path("", include("duli.storefront.urls"))]

Each allauth view is wrapped so that it speaks the language of its path (as storefront
views do), and so that its "sign in first" redirects go to the shop's sign-in page rather
than to `settings.LOGIN_URL`, which is the dashboard's staff sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

import allauth.urls
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, include, path, reverse

from duli.storefront.cache import storefront_page
from duli.storefront.i18n import LanguagePrefixPattern
from duli.storefront.views import account

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/", account.account_home, name="account"),
    path("account/profile/", account.profile, name="account_profile"),
    path("account/addresses/", account.address_list, name="address_list"),
    path("account/addresses/new/", account.address_create, name="address_create"),
    path("account/addresses/<int:address_id>/", account.address_edit, name="address_edit"),
    path(
        "account/addresses/<int:address_id>/delete/",
        account.address_delete,
        name="address_delete",
    ),
    path(
        "account/addresses/<int:address_id>/default/",
        account.address_set_default,
        name="address_set_default",
    ),
    path("address/fields/", account.address_fields, name="address_fields"),
]


def _shop_response(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render allauth's TemplateResponses while the path's language is active (the handler
    would render them after `storefront_page` has left it), and point its login_required
    redirects at the shop's sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.render()
        if isinstance(response, HttpResponseRedirect):
            location = urlsplit(response["Location"])
            if location.path == resolve_url(settings.LOGIN_URL):
                query = f"?{location.query}" if location.query else ""
                response["Location"] = f"{reverse('account_login')}{query}"
        return response

    return wrapper


def _shop_views(patterns: Sequence[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    wrapped: list[URLPattern | URLResolver] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            wrapped.append(
                URLResolver(
                    p.pattern,
                    _shop_views(p.url_patterns),
                    p.default_kwargs,
                    p.app_name,
                    p.namespace,
                )
            )
        else:
            view = storefront_page(_shop_response(p.callback), cached=False)
            wrapped.append(URLPattern(p.pattern, view, p.default_args, p.name))
    return wrapped


allauth_urlpatterns: list[URLPattern | URLResolver] = [
    URLResolver(
        LanguagePrefixPattern(),  # type: ignore[arg-type]
        [path("accounts/", include(_shop_views(allauth.urls.urlpatterns)))],
    )
]
