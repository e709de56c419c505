from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeSource(models.TextChoices):
    """The three kinds of knowledge a BPU combines (recordable wherever knowledge is used)."""

    EXPERIENTIAL = "experiential", _("Experiential (clients and carers)")
    PROFESSIONAL = "professional", _("Professional (practice)")
    SCIENTIFIC = "scientific", _("Scientific (research, literature)")
