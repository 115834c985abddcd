"""Per-request state kept by the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from duli.core.selectors import _request_shop


class RequestMemoMiddleware:
    """Give each request its own memo of the shop settings, dropped when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_shop.set([])
        try:
            return self.get_response(request)
        finally:
            _request_shop.reset(token)
