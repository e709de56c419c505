from django.contrib import admin
from django.urls import include, path

from research.urls import programme_urlpatterns as research_programme_urlpatterns

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/details", views.healthz_details, name="healthz_details"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("units/<slug:slug>/phases/", include("phases.urls")),
    path("units/<slug:slug>/research/", include("research.urls")),
    path(
        "programmes/<slug:slug>/research/",
        include((research_programme_urlpatterns, "research_programme")),
    ),
    path("units/<slug:slug>/reports/", include("reports.urls")),
    path("programmes/<slug:slug>/reports/", include("reports.programme_urls")),
    path("notifications/", include("notifications.urls")),
    path("monitor/", include("phases.monitor_urls")),
    path("", include("units.urls")),
]

handler400 = "bpu.views.bad_request"
handler403 = "bpu.views.permission_denied"
handler404 = "bpu.views.page_not_found"
handler500 = "bpu.views.server_error"
