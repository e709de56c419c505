"""Research pages of a programme, under ``programmes/<slug>/research/``."""

from django.urls import path

from . import programme_views

app_name = "research_programme"

urlpatterns = [
    path("", programme_views.comparison, name="comparison"),
]
