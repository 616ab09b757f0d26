"""Dashboard routes, included at the site root (``path("", include("dashboard.urls"))``).

Names (namespace ``dashboard``): ``home``, ``login``, ``logout``, ``comparison``, ``store``
(kwarg ``code``), ``dispute`` (kwarg ``code``, POST).
"""

from django.urls import path

from dashboard import views

app_name = "dashboard"

STORE_CODE = "<str:code>"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("comparison/", views.comparison, name="comparison"),
    path(f"stores/{STORE_CODE}/", views.store_page, name="store"),
    path(f"stores/{STORE_CODE}/disputes/", views.dispute_create, name="dispute"),
]
