from django.urls import path

from . import views

app_name = "phases"

# Mounted at units/<slug:slug>/phases/: every view receives the unit's slug.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("advance/", views.advance, name="advance"),
    path("back/", views.move_back, name="move_back"),
    path("history/", views.history, name="history"),
    path("<int:number>/", views.phase_detail, name="phase"),
    path("design/", views.design_edit, name="design_edit"),
    path("baseline/<int:pk>/delete/", views.baseline_delete, name="baseline_delete"),
    # The plan of action
    path("plan/", views.plan, name="plan"),
    path("plan/goals/new/", views.goal_edit, name="goal_create"),
    path("plan/goals/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("plan/goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("plan/goals/<int:goal_pk>/steps/new/", views.step_edit, name="step_create"),
    path("plan/steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("plan/steps/<int:pk>/delete/", views.step_delete, name="step_delete"),
    path("plan/steps/<int:pk>/status/", views.step_status, name="step_status"),
    path("plan/approve/", views.plan_approve, name="plan_approve"),
    path("plan/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("plan/compare/", views.plan_compare, name="plan_compare"),
    # Practice experiments
    path("experiments/", views.experiments, name="experiments"),
    path("experiments/new/", views.experiment_edit, name="experiment_create"),
    path("experiments/activity/", views.experiment_activity_view, name="experiment_activity"),
    path("experiments/<int:pk>/", views.experiment_detail, name="experiment_detail"),
    path("experiments/<int:pk>/edit/", views.experiment_edit, name="experiment_edit"),
    path("experiments/<int:pk>/delete/", views.experiment_delete, name="experiment_delete"),
    path("experiments/<int:pk>/comments/", views.experiment_comment, name="experiment_comment"),
    # Products and dissemination
    path("products/", views.products, name="products"),
    path("products/new/", views.product_edit, name="product_create"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path("files/<int:pk>/", views.product_file_download, name="product_file"),
    path("files/<int:pk>/delete/", views.product_file_delete, name="product_file_delete"),
    path("dissemination/new/", views.dissemination_create, name="dissemination_create"),
    path("dissemination/<int:pk>/delete/", views.dissemination_delete, name="dissemination_delete"),
]
