from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<slug:slug>/", views.unit_detail, name="detail"),
]
