"""URL map: the dashboard under /dashboard/, everything else is the storefront."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

from duli.storefront.urls_account import allauth_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", include("duli.dashboard.urls")),
    path("payments/", include("duli.payments.urls")),
    # The Test Pay processor's hosted pages (a simulator of an outside card processor).
    path("testpay/", include("duli.testpay.urls")),
    # allauth names its URLs without a namespace (account_login …): /accounts/… and
    # /zh-hans/accounts/… are mounted at the root.
    *allauth_urlpatterns,
    path("", include("duli.storefront.urls")),
]

if settings.DULI_SERVE_MEDIA:
    # The embedded default serves uploads itself; at scale a CDN or object storage does.
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns.insert(
        0, re_path(rf"^{media}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler404 = "duli.storefront.views.errors.not_found"
handler500 = "duli.storefront.views.errors.server_error"
