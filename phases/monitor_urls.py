from django.urls import path

from .views import monitor

app_name = "monitor"

# Mounted at monitor/: the monitor across units, and the definitions of its signals.
urlpatterns = [
    path("", monitor.my_monitor, name="mine"),
    path("help/", monitor.monitor_help, name="help"),
    path("programmes/<slug:slug>/", monitor.programme_monitor, name="programme"),
]
