from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeSource(models.TextChoices):
    """The three kinds of knowledge a BPU combines (recordable wherever knowledge is used)."""

    EXPERIENTIAL = "experiential", _("Experiential (clients and carers)")
    PROFESSIONAL = "professional", _("Professional (practice)")
    SCIENTIFIC = "scientific", _("Scientific (research, literature)")


def checked_knowledge_sources(values) -> list[str]:
    """The knowledge sources as stored (in the order of the choices, each once); an unknown
    one is refused rather than dropped."""
    values = list(values or [])
    unknown = [v for v in values if v not in KnowledgeSource.values]
    if unknown:
        raise ValidationError(
            {
                "knowledge_sources": _("Unknown knowledge source: %(value)s.")
                % {"value": ", ".join(map(str, unknown))}
            }
        )
    return [v for v in KnowledgeSource.values if v in values]
