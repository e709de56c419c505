"""Every index on the observations slows each import: none may duplicate another's lead."""

import pytest
from django.db import connection

from research.models import Observation

pytestmark = pytest.mark.django_db


def index_columns(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(
        tuple(details["columns"])
        for details in constraints.values()
        if (details["index"] or details["unique"]) and not details["primary_key"]
    )


def test_no_observation_index_is_the_leading_part_of_another():
    indexes = index_columns(Observation._meta.db_table)

    covered = [
        (shorter, longer)
        for shorter in indexes
        for longer in indexes
        if shorter != longer and longer[: len(shorter)] == shorter
    ]

    assert covered == []
    assert indexes == [
        ("batch_id",),
        ("measure_id", "wave_id", "respondent"),
        ("unit_id", "measure_id", "wave_id"),
        ("unit_id", "respondent"),
        ("unit_id", "wave_id"),
        ("wave_id",),
    ]
