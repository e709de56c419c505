from django.urls import path

from . import views

app_name = "programme_reports"

SCOPE = {"scope": views.PROGRAMME}

urlpatterns = [
    path("", views.report_list, SCOPE, name="list"),
    path("request/", views.report_request_view, SCOPE, name="request"),
    path("text/<slug:kind>/", views.narrative_edit, SCOPE, name="narrative"),
    path("<int:pk>/status/", views.report_status, SCOPE, name="status"),
    path("<int:pk>/download/", views.report_download, SCOPE, name="download"),
    path("<int:pk>/compare/", views.report_compare, SCOPE, name="compare"),
    path("<int:pk>/archive.zip", views.report_archive, SCOPE, name="archive"),
]
