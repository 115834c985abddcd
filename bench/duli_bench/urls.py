"""Duli's URL map plus `/__bench__/hello/`, the ceiling: a bare Django view behind the same
middleware, in the same server process and settings as the storefront pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from duli.conf.urls import handler404, handler500
from duli.conf.urls import urlpatterns as duli_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("__bench__/hello/", hello, name="bench-hello"),
    *duli_urlpatterns,
]
