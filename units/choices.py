from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.IntegerChoices):
    """The six phases of a Best Practice Unit, in the order a unit goes through them.

    Here, on the ground floor, because a unit and its sessions record their phase;
    what happens in each phase (criteria, transitions, plan) belongs to ``phases``.
    """

    AMBITION = 1, _("Ambition and project design")
    SELECTION = 2, _("Selection of members")
    BASELINE = 3, _("Baseline assessment")
    PLAN = 4, _("Goals and plan of action")
    REALIZATION = 5, _("Realization")
    OUTCOMES = 6, _("Outcomes, products and dissemination")
