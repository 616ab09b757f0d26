"""Signing in and out of the dashboard."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class LoginView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("dashboard:home")


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule); back to the sign-in page."""

    next_page = reverse_lazy("dashboard:login")
