from django.contrib import admin
from django.urls import include, path

from backend.api.auth import ObtainTokenView
from backend.api.docs import RedocView, SchemaView, SwaggerView, redoc_bundle
from backend.api.router import router
from reports.views import ComparisonView

admin.site.site_header = "Incognito HQ"
admin.site.site_title = "Incognito"
admin.site.index_title = "Audit programme administration"

# Under /api/ Django's own failures answer the API's problem+json; elsewhere, the usual pages.
handler400 = "backend.api.problems.handler400"
handler403 = "backend.api.problems.handler403"
handler404 = "backend.api.problems.handler404"
handler500 = "backend.api.problems.handler500"

urlpatterns = [
    path("", include("dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("api/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    path("api/reports/comparison/", ComparisonView.as_view(), name="report-comparison"),
    path("api/", include(router.urls)),
]

# No media route: photos and PDFs are read through views that check the caller's scope
# (``/api/photos/{uuid}/``, ``/api/disputes/{id}/photo/``, ``/api/reports/coaching/{id}/pdf/``).
