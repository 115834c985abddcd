"""Pages that belong to one visitor: the cart, the checkout and order pages.

`private_page` wraps such a view: the language of its path is active, the response is
never stored by the page cache or by any shared cache (`never_cache` marks it private and
no-store), and search engines are told not to index it (`X-Robots-Tag`; the templates
also set `noindex`, which base.html turns into a robots meta tag).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from duli.core.errors import DomainError
from duli.storefront.cache import storefront_page

View = Callable[..., HttpResponse]


def private_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return storefront_page(never_cache(wrapper), cached=False)


def wants_json(request: HttpRequest) -> bool:
    """A script asked (fetch with `Accept: application/json`), not a plain form post."""
    return "application/json" in request.headers.get("Accept", "")


def wants_fragment(request: HttpRequest) -> bool:
    """cart.js / checkout.js ask for a re-rendered piece of the page."""
    return request.headers.get("X-Duli-Fragment") == "1"


def error_json(error: DomainError) -> JsonResponse:
    """A refused action as a 4xx JSON body: {"code", "message", ...context}."""
    return JsonResponse(error.as_dict(), status=error.status if error.status >= 400 else 400)


def invalid_json(message: str, *, field: str = "", status: int = 400) -> JsonResponse:
    body = {"code": "invalid", "message": message}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)
