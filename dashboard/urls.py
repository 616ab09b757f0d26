"""Dashboard routes, included at the site root (``path("", include("dashboard.urls"))``).

Names (namespace ``dashboard``): ``home``, ``login``, ``logout``, ``comparison``, ``store``
(kwarg ``code``), ``dispute`` (kwarg ``code``, POST), ``coaching-request`` (kwarg
``code``, POST) and ``coaching-status`` (kwargs ``code``, ``pk``): the coaching PDF without JavaScript;
``action-create``, ``action-complete``, ``action-reopen`` (POST, the store's action plan),
``overdue`` and ``follow-up`` (HQ: stores with overdue actions, plan a follow-up visit).
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
    path(f"stores/{STORE_CODE}/coaching-pdf/", views.coaching_request, name="coaching-request"),
    path(f"stores/{STORE_CODE}/coaching-pdf/<uuid:pk>/", views.coaching_status, name="coaching-status"),
    path(f"stores/{STORE_CODE}/actions/", views.action_create, name="action-create"),
    path(f"stores/{STORE_CODE}/actions/<int:pk>/done/", views.action_complete, name="action-complete"),
    path(f"stores/{STORE_CODE}/actions/<int:pk>/reopen/", views.action_reopen, name="action-reopen"),
    path("actions/overdue/", views.overdue_actions, name="overdue"),
    path(f"actions/overdue/{STORE_CODE}/follow-up/", views.follow_up_create, name="follow-up"),
]
