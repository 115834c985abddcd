"""Policy pages, robots.txt and the tiny per-visitor endpoints the cached pages call."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
        "Disallow: /cart/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('storefront:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def cart_count(request: HttpRequest) -> JsonResponse:
    """How many items the visitor's cart holds; the header asks after the page loads.

    Until the cart lands this reads the `duli_cart_count` cookie the cart will keep."""
    try:
        count = max(0, int(request.COOKIES.get("duli_cart_count", "0")))
    except ValueError:
        count = 0
    return JsonResponse({"count": count})
