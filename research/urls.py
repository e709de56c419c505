"""The URLs of research.

``urlpatterns`` (namespace ``research``) are a unit's pages, under
``units/<slug>/research/``; ``programme_urlpatterns`` (namespace
``research_programme``) are a programme's, under ``programmes/<slug>/research/``.
"""

from django.urls import path

from .views import (
    agreement,
    codebook,
    coding,
    consent,
    export,
    factors,
    imports,
    knowledge,
    overview,
    programme,
    statistics,
    themes,
    waves,
)

app_name = "research"

urlpatterns = [
    path("", overview.overview, name="overview"),
    # The codebook and the waves
    path("codebook/", codebook.codebook, name="codebook"),
    path("codebook/add/", codebook.measure_add, name="measure_add"),
    path("codebook/<int:pk>/edit/", codebook.measure_edit, name="measure_edit"),
    path("codebook/<int:pk>/delete/", codebook.measure_remove, name="measure_delete"),
    path("waves/", waves.waves, name="waves"),
    path("waves/<int:pk>/edit/", waves.wave_edit, name="wave_edit"),
    path("waves/<int:pk>/move/", waves.wave_move_view, name="wave_move"),
    path("waves/<int:pk>/delete/", waves.wave_remove, name="wave_delete"),
    # Data in and out
    path("import/", imports.data_import, name="import"),
    path("import/<int:pk>/", imports.import_batch, name="import_batch"),
    path("import/<int:pk>/status/", imports.import_status, name="import_status"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("export/", export.export, name="export"),
    # Consent per member and per respondent code
    path("consent/", consent.consent, name="consent"),
    path("consent/<int:pk>/code/", consent.respondent_code, name="respondent_code"),
    # Statistics
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/how-we-compute/", statistics.method, name="method"),
    # Material and coding
    path("materials/", coding.materials, name="materials"),
    path("materials/add/", coding.material_add, name="material_add"),
    path("materials/<int:pk>/edit/", coding.material_edit, name="material_edit"),
    path("coding/<str:kind>/<int:pk>/<str:field>/", coding.code_source, name="code_source"),
    path("passages/<int:pk>/delete/", coding.fragment_delete, name="fragment_delete"),
    path("passages.csv", coding.fragments_export, name="fragments_export"),
    # Themes
    path("themes/", themes.themes, name="themes"),
    path("themes/<int:pk>/", themes.theme_detail, name="theme_detail"),
    path("themes/<int:pk>/edit/", themes.theme_edit, name="theme_edit"),
    # Knowledge sources and the measures of goals (the evidence chain's links)
    path("knowledge/", knowledge.knowledge, name="knowledge"),
    path("goals/", knowledge.goal_measures, name="goal_measures"),
    # Agreement between coders
    path("agreement/", agreement.agreement, name="agreement"),
    path("agreement/<int:pk>/blind/", agreement.blind_coding, name="blind_coding"),
    path("agreement/<int:pk>/", agreement.comparison, name="comparison"),
]

programme_urlpatterns = [
    path("", programme.comparison, name="comparison"),
    path("factors/", factors.factors, name="factors"),
    path("factors/<int:pk>/", factors.factor_detail, name="factor"),
]
