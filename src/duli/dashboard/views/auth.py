"""Staff sign-in and sign-out (Django's auth views with the dashboard's templates)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from duli.dashboard.forms import StaffAuthenticationForm

login = auth_views.LoginView.as_view(
    template_name="dashboard/login.html",
    authentication_form=StaffAuthenticationForm,
    redirect_authenticated_user=False,
    next_page=reverse_lazy("dashboard:home"),
)

logout = auth_views.LogoutView.as_view(next_page=reverse_lazy("dashboard:login"))
