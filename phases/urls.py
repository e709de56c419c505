from django.urls import path

from .views import experiments, monitor, phases, plan, products

app_name = "phases"

# Mounted at units/<slug:slug>/phases/: every view receives the unit's slug.
urlpatterns = [
    path("", phases.overview, name="overview"),
    path("advance/", phases.advance, name="advance"),
    path("back/", phases.move_back, name="move_back"),
    path("history/", phases.history, name="history"),
    path("<int:number>/", phases.phase_detail, name="phase"),
    path("design/", phases.design_edit, name="design_edit"),
    path("baseline/<int:pk>/delete/", phases.baseline_delete, name="baseline_delete"),
    # The plan of action
    path("plan/", plan.plan, name="plan"),
    path("plan/goals/new/", plan.goal_edit, name="goal_create"),
    path("plan/goals/<int:pk>/", plan.goal_edit, name="goal_edit"),
    path("plan/goals/<int:pk>/delete/", plan.goal_delete, name="goal_delete"),
    path("plan/goals/<int:goal_pk>/steps/new/", plan.step_edit, name="step_create"),
    path("plan/steps/<int:pk>/", plan.step_edit, name="step_edit"),
    path("plan/steps/<int:pk>/delete/", plan.step_delete, name="step_delete"),
    path("plan/steps/<int:pk>/status/", plan.step_status, name="step_status"),
    path("plan/approve/", plan.plan_approve, name="plan_approve"),
    path("plan/versions/<int:number>/", plan.plan_version, name="plan_version"),
    path("plan/compare/", plan.plan_compare, name="plan_compare"),
    # Practice experiments
    path("experiments/", experiments.experiments, name="experiments"),
    path("experiments/new/", experiments.experiment_edit, name="experiment_create"),
    path("experiments/activity/", experiments.experiment_activity_view, name="experiment_activity"),
    path("experiments/<int:pk>/", experiments.experiment_detail, name="experiment_detail"),
    path("experiments/<int:pk>/edit/", experiments.experiment_edit, name="experiment_edit"),
    path("experiments/<int:pk>/delete/", experiments.experiment_delete, name="experiment_delete"),
    path(
        "experiments/<int:pk>/comments/", experiments.experiment_comment, name="experiment_comment"
    ),
    path(
        "experiments/<int:pk>/files/",
        experiments.experiment_attachment_add,
        name="experiment_attachment_add",
    ),
    path(
        "experiments/files/<int:pk>/",
        experiments.experiment_attachment,
        name="experiment_attachment",
    ),
    path(
        "experiments/files/<int:pk>/delete/",
        experiments.experiment_attachment_delete,
        name="experiment_attachment_delete",
    ),
    # The learning-mode monitor: signals and run chart
    path("monitor/", monitor.unit_monitor, name="monitor"),
    # Products and dissemination
    path("products/", products.products, name="products"),
    path("products/new/", products.product_edit, name="product_create"),
    path("products/<int:pk>/", products.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", products.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", products.product_delete, name="product_delete"),
    path("files/<int:pk>/", products.product_file_download, name="product_file"),
    path("files/<int:pk>/delete/", products.product_file_delete, name="product_file_delete"),
    path("dissemination/new/", products.dissemination_edit, name="dissemination_create"),
    path("dissemination/<int:pk>/", products.dissemination_edit, name="dissemination_edit"),
    path(
        "dissemination/<int:pk>/delete/", products.dissemination_delete, name="dissemination_delete"
    ),
]
