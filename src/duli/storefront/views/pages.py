"""Policy pages, robots.txt and the tiny per-visitor endpoints the cached pages call."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from duli.storefront import cart_session
from duli.storefront.cache import request_shop, storefront_page
from duli.storefront.seo import Crumb, plain_text

# kind in the URL -> (ShopSettings translated field, title)
POLICIES = {
    "shipping": ("shipping_policy", _("Shipping policy")),
    "returns": ("returns_policy", _("Returns and refunds")),
    "privacy": ("privacy_policy", _("Privacy policy")),
    "terms": ("terms", _("Terms of service")),
}


@storefront_page
def policy(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in POLICIES:
        raise Http404("no such policy")
    field, title = POLICIES[kind]
    body = request_shop(request).safe_translation_getter(field, any_language=True) or ""
    if not body.strip():
        raise Http404("policy not written yet")
    return render(
        request,
        "storefront/policy.html",
        {
            "title": title,
            "body": body,
            "page_title": title,
            "meta_description": plain_text(body),
            "crumbs": [Crumb(str(_("Home")), reverse("storefront:home")), Crumb(str(title), "")],
            "canonical_path": request.path,
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /dashboard/",
        "Disallow: /search",
        *[
            f"Disallow: /{code}/search"
            for code, _name in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ],
        *[
            f"Disallow: {prefix}/{private}/"
            for prefix in [
                "",
                *(f"/{c}" for c, _n in settings.LANGUAGES if c != settings.LANGUAGE_CODE),
            ]
            for private in ("cart", "checkout", "orders", "account", "accounts")
        ],
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('storefront:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def cart_count(request: HttpRequest) -> JsonResponse:
    """How many items the visitor's cart holds; the header asks after the page loads.

    Also hands out the CSRF cookie: cached pages carry no token, and the add-to-cart
    button posts with the token from this cookie."""
    get_token(request)
    return JsonResponse({"count": cart_session.cart_count(request)})
