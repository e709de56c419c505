"""URLs of the analysis half of research: statistics, material, coding, themes.

Included from ``research/urls.py`` (namespace ``research``), under
``units/<slug>/research/``.
"""

from django.urls import path

from . import coding_views, statistics_views

urlpatterns = [
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("materials/", coding_views.materials, name="materials"),
    path("materials/add/", coding_views.material_add, name="material_add"),
    path("materials/<int:pk>/edit/", coding_views.material_edit, name="material_edit"),
    path(
        "coding/<str:kind>/<int:pk>/<str:field>/",
        coding_views.code_source,
        name="code_source",
    ),
    path("passages/<int:pk>/delete/", coding_views.fragment_delete, name="fragment_delete"),
    path("passages.csv", coding_views.fragments_export, name="fragments_export"),
    path("themes/", coding_views.themes, name="themes"),
    path("themes/<int:pk>/", coding_views.theme_detail, name="theme_detail"),
    path("themes/<int:pk>/edit/", coding_views.theme_edit, name="theme_edit"),
]
