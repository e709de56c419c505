from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from units.choices import Phase
from units.models import Membership, Programme, Role, Session, Unit

TEST_PASSWORD = "a-Strong-test-password-1"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    theme = "Recognising loneliness earlier"
    planned_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + timedelta(days=540))
    cadence_weeks = 6


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    unit = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PROFESSIONAL


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    unit = factory.SubFactory(UnitFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    duration_minutes = 120
    location = "Buurthuis De Ster"
    phase = Phase.AMBITION


# --- phases ---------------------------------------------------------------------


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.Goal"

    unit = factory.SubFactory(UnitFactory)
    text = factory.Sequence(lambda n: f"Goal {n}: recognise loneliness in the first visit")
    order = factory.Sequence(lambda n: n)


class ActionStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.ActionStep"

    goal = factory.SubFactory(GoalFactory)
    what = factory.Sequence(lambda n: f"Step {n}: try the conversation guide")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.Experiment"

    unit = factory.SubFactory(UnitFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Experiment {n}")
    situation = "A home visit to a man of 82 who lives alone."
    tried = "Asked about his week instead of ticking the checklist."
    learned = "Open questions opened the conversation."
    visibility = "shared"


class ExperimentCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.ExperimentComment"

    experiment = factory.SubFactory(ExperimentFactory)
    author = factory.SubFactory(UserFactory)
    text = "Recognisable: I will try that too."


class BaselineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.BaselineItem"

    unit = factory.SubFactory(UnitFactory)
    kind = "strength"
    text = "Professionals know the neighbourhood well."
    knowledge_source = "professional"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "phases.Product"

    unit = factory.SubFactory(UnitFactory)
    kind = "protocol"
    title = factory.Sequence(lambda n: f"Product {n}")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "units.AgendaItem"

    session = factory.SubFactory(SessionFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "units.Attendance"

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    status = "present"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "units.Invitation"

    unit = factory.SubFactory(UnitFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.PROFESSIONAL


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Material"

    unit = factory.SubFactory(UnitFactory)
    kind = "interview"
    title = factory.Sequence(lambda n: f"Interview {n}")
    text = (
        "R1 says the neighbourhood team listened this time.\n"
        "She felt taken seriously when the carer was asked to join.\n"
        "Waiting lists remain a problem."
    )


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Theme"

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
