"""The project's URLs under /elsewhere/ (tests/units/test_addresses.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("bpu.urls"))]
