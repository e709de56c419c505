"""What research holds of a person, for an erasure and the retention purge
(accounts.erasure).

Observations are pseudonymous (a respondent code, never a name) and are kept.
Coded passages are copies of what members wrote: they are replaced with the text
they were copied from, unless the research exemption keeps them
(settings.PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES, docs/privacy.md). The
spreadsheets uploaded for an import are deleted; their values are in the database.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from accounts.erasure import delete_files, register_personal_data, replace_text

from .models import CodedFragment, ImportBatch, Material


def _keeps_passages() -> bool:
    return settings.PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES


def erase(user, text: str) -> None:
    from phases.models import Experiment

    if not _keeps_passages():
        experiments = Experiment.objects.filter(author=user).values("pk")
        replace_text(
            CodedFragment.objects.filter(
                content_type=ContentType.objects.get_for_model(Experiment),
                object_id__in=experiments,
            ),
            ("text",),
            text,
        )
    delete_files(
        ImportBatch.objects.filter(uploaded_by=user),
        "file",
        name_field="original_filename",
        text=text,
    )


def purge_unit(unit_id: int, text: str) -> None:
    if not _keeps_passages():
        replace_text(CodedFragment.objects.filter(unit_id=unit_id), ("text",), text)
        replace_text(Material.objects.filter(unit_id=unit_id), ("text",), text)
    delete_files(
        ImportBatch.objects.filter(unit_id=unit_id),
        "file",
        name_field="original_filename",
        text=text,
    )


def register() -> None:
    register_personal_data(key="research", erase=erase, purge_unit=purge_unit)
