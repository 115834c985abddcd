"""Friendly error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "storefront/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors may run here: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("storefront/500.html").render(), status=500)
