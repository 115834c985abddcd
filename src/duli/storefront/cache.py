"""Whole-page cache for anonymous storefront GETs (DESIGN rule 11).

A page is stored under a key made of the shop's `catalog_version` (every catalogue or
settings write bumps it, so a write makes every page fresh at once without deleting
anything), the language, the currency, the host and the full path with its query. The
time to live is `settings.DULI_PAGE_CACHE_SECONDS`, read on every request (0 = off).

Nothing personal is stored: only anonymous requests are cached, a response that sets a
cookie is not, and storefront pages carry no CSRF token or cart count (the browser fetches
those). The CSP nonce differs per response, so it is stored as a placeholder and swapped
for the new request's nonce when the page is served from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation

from duli.core.models import ShopSettings
from duli.core.selectors import shop_cache_state, shop_settings_get
from duli.storefront.i18n import language_from_path

NONCE_PLACEHOLDER = "__duli-csp-nonce__"
CACHE_HEADER = "X-Duli-Cache"
View = Callable[..., HttpResponse]


def request_shop(request: HttpRequest) -> ShopSettings:
    """The shop settings, read once per request and shared with the `shop` context
    processor (which looks for the same attribute)."""
    shop = getattr(request, "_duli_shop", None)
    if shop is None:
        shop = shop_settings_get()
        request._duli_shop = shop  # type: ignore[attr-defined]
    return shop


def page_cache_seconds() -> int:
    return int(getattr(settings, "DULI_PAGE_CACHE_SECONDS", 0) or 0)


def page_cache_key(request: HttpRequest, *, language: str) -> str:
    # Only the version and currency: a cache hit must not load the whole settings row.
    version, currency = shop_cache_state()
    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"duli:page:{version}:{language}:{currency}:{where}"


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or page_cache_seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        # A page that used a CSRF token would hand one visitor's token to everyone.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _store(request: HttpRequest, key: str, response: HttpResponse) -> None:
    content = response.content.decode(response.charset)
    nonce = get_nonce(request)
    if nonce:  # only replace a nonce the page actually used
        content = content.replace(str(nonce), NONCE_PLACEHOLDER)
    entry = {
        "content": content,
        "content_type": response["Content-Type"],
        "headers": {h: response[h] for h in ("Content-Language", "Link") if h in response},
    }
    cache.set(key, entry, page_cache_seconds())


def _serve(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    content: str = entry["content"]
    if NONCE_PLACEHOLDER in content:
        nonce = get_nonce(request)
        content = content.replace(NONCE_PLACEHOLDER, str(nonce) if nonce is not None else "")
    response = HttpResponse(content, content_type=entry["content_type"])
    for header, value in entry["headers"].items():
        response[header] = value
    response[CACHE_HEADER] = "hit"
    return response


def _rendered(response: HttpResponse) -> HttpResponse:
    """A TemplateResponse must render while the path's language is active, not later in
    the middleware's language."""
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    return response


def _respond(
    view: View, request: HttpRequest, language: str, cached: bool, *args: Any, **kwargs: Any
) -> HttpResponse:
    if not (cached and _cacheable_request(request)):
        return _rendered(view(request, *args, **kwargs))
    key = page_cache_key(request, language=language)
    entry = cache.get(key)
    if entry is not None:
        return _serve(request, entry)
    response = _rendered(view(request, *args, **kwargs))
    if _cacheable_response(request, response):
        _store(request, key, response)
        response[CACHE_HEADER] = "miss"
    return response


def storefront_page(view: View | None = None, *, cached: bool = True) -> Any:
    """Wrap a storefront view: activate the language its path is in, and (when `cached`)
    serve anonymous GETs from the page cache."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            language = language_from_path(request.path_info)
            request.LANGUAGE_CODE = language
            # override() (not activate) so the language never leaks past this request.
            with translation.override(language):
                response = _respond(view, request, language, cached, *args, **kwargs)
            response.headers.setdefault("Content-Language", language)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
