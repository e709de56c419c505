from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read/", views.notifications_mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences_edit, name="preferences"),
    path("settings/link/<str:token>/", views.preference_link, name="link"),
]
