from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeSource(models.TextChoices):
    """The three kinds of knowledge a BPU combines (recordable wherever knowledge is used)."""

    EXPERIENTIAL = "experiential", _("Experiential (clients and carers)")
    PROFESSIONAL = "professional", _("Professional (practice)")
    SCIENTIFIC = "scientific", _("Scientific (research, literature)")


# What each phase is about, in plain words (B1) for clients and family carers, who do
# not need the facilitator's exit criteria.
PLAIN_PHASE_TEXT = {
    1: _(
        "The group decides what should get better, and for whom. "
        "It also decides how often it meets and how it will see if things get better."
    ),
    2: _("The group is put together: people who work in care, clients and family carers."),
    3: _("The group looks at how things go now: what goes well and what must get better."),
    4: _("The group writes down its goals and the steps to reach them."),
    5: _(
        "Members try new things in their daily work. "
        "In the meetings they talk about what they tried and what they learned."
    ),
    6: _("The group looks at what it has reached and shares what it has learned with others."),
}


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
