from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from phases.choices import Phase
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
