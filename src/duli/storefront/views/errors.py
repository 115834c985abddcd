"""Friendly error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from duli.storefront.i18n import language_from_path


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # An address that matched no URL never reached a storefront view, so take the
    # language from the path here too: /zh-hans/nope/ answers in Chinese.
    translation.activate(language_from_path(request.path_info))
    return render(
        request, "storefront/404.html", {"page_title": "404", "noindex": True}, status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors may run here: the database may be what failed.
    from django.template import loader

    html = loader.get_template("storefront/500.html").render({"static_url": settings.STATIC_URL})
    return HttpResponse(html, status=500)
