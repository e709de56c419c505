"""What phases holds of a person, for an erasure and the retention purge
(accounts.erasure): the experiments and comments they wrote, their reasons and
justifications, the product files they uploaded."""

from accounts.erasure import delete_files, register_personal_data, replace_text

from .models import (
    BaselineItem,
    Experiment,
    ExperimentComment,
    PhaseTransition,
    PlanVersion,
    ProductFile,
)

EXPERIMENT_TEXT = ("title", "situation", "tried", "happened", "learned", "next_steps")


def erase(user, text: str) -> None:
    replace_text(Experiment.objects.filter(author=user), EXPERIMENT_TEXT, text)
    replace_text(ExperimentComment.objects.filter(author=user), ("text",), text)
    replace_text(BaselineItem.objects.filter(created_by=user), ("text", "knowledge_source"), text)
    replace_text(PlanVersion.objects.filter(approved_by=user), ("reason",), text)
    replace_text(PhaseTransition.objects.filter(actor=user), ("justification",), text)
    delete_files(
        ProductFile.objects.filter(uploaded_by=user), "file", name_field="original_name", text=text
    )


def purge_unit(unit_id: int, text: str) -> None:
    # The unit's products (what it made to share) are kept; the members' own texts go.
    replace_text(Experiment.objects.filter(unit_id=unit_id), EXPERIMENT_TEXT, text)
    replace_text(ExperimentComment.objects.filter(experiment__unit_id=unit_id), ("text",), text)
    replace_text(PhaseTransition.objects.filter(unit_id=unit_id), ("justification",), text)
    replace_text(PlanVersion.objects.filter(unit_id=unit_id), ("reason",), text)


def register() -> None:
    register_personal_data(key="phases", erase=erase, purge_unit=purge_unit)
