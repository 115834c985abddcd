"""Who may open the dashboard: signed-in staff. Others go to the login page or get a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Anonymous visitors are sent to the login page; signed-in non-staff get a 403 page.

    Dashboard pages are never cached: they show private, changing data.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            return render(request, "dashboard/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def domain_error_message(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or exc)
