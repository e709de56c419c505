from django.urls import path

from . import views
from .analysis_urls import urlpatterns as analysis_urlpatterns

app_name = "research"

# The data half: overview, codebook, waves, import, export (views.py).
urlpatterns: list = [
    path("", views.overview, name="overview"),
    path("codebook/", views.codebook, name="codebook"),
    path("codebook/add/", views.measure_add, name="measure_add"),
    path("codebook/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("codebook/<int:pk>/delete/", views.measure_remove, name="measure_delete"),
    path("waves/", views.waves, name="waves"),
    path("waves/<int:pk>/edit/", views.wave_edit, name="wave_edit"),
    path("import/", views.data_import, name="import"),
    path("import/<int:pk>/", views.import_batch, name="import_batch"),
    path("import/<int:pk>/status/", views.import_status, name="import_status"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export, name="export"),
]

# Statistics, material, coding and themes (the analysis half; see analysis_urls.py).
urlpatterns += analysis_urlpatterns
