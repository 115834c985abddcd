"""Request-wide middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

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


class OutOfRangeNumberMiddleware:
    """Answer 400, not 500, when a number from the request is too large for the database.

    An id in a URL (`/orders/99999999999999999999/`) or a form field passes Python's int()
    but not the database: SQLite raises OverflowError when binding it, PostgreSQL a
    DataError ("out of range"). Nothing was written: the failing statement stops its
    transaction.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        out_of_range = isinstance(exception, OverflowError) or (
            isinstance(exception, DataError) and "out of range" in str(exception)
        )
        if not out_of_range:
            return None
        message = gettext("A number in the request is too large.")
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"code": "out_of_range", "message": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
