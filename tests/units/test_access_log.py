"""The access log (NEN 7513): append-only in the database, purged only past its retention."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from units.access_log_guard import purge_window
from units.models import AccessAction, AccessLog, DataKind
from units.services import access_log_purge

from ..factories import UserFactory


def _entry(*, at=None, **fields):
    viewer = fields.pop("user", None) or UserFactory()
    person = fields.pop("person", None) or UserFactory()
    return AccessLog.objects.create(
        at=at or timezone.now(),
        user=viewer,
        person=person,
        role="facilitator",
        kind=DataKind.EXPERIMENT,
        object_id=1,
        action=AccessAction.VIEWED,
        **fields,
    )


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_entry():
    entry = _entry()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action=AccessAction.CHANGED)
    entry.refresh_from_db()
    assert entry.action == AccessAction.VIEWED


@pytest.mark.django_db
def test_the_database_refuses_to_delete_an_entry():
    entry = _entry(at=timezone.now() - timedelta(days=365 * 20))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_raw_sql_too():
    entry = _entry()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM units_accesslog WHERE id = %s", [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.django_db
def test_a_purge_window_still_refuses_entries_younger_than_its_cutoff():
    entry = _entry(at=timezone.now() - timedelta(days=800))
    cutoff = timezone.now() - timedelta(days=900)
    with pytest.raises(IntegrityError), transaction.atomic(), purge_window(cutoff):
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.django_db
def test_no_window_can_open_the_last_year():
    entry = _entry(at=timezone.now() - timedelta(days=30))
    with pytest.raises(IntegrityError), transaction.atomic(), purge_window(timezone.now()):
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.django_db
def test_the_window_closes_with_the_purge():
    old = _entry(at=timezone.now() - timedelta(days=365 * 20))
    with transaction.atomic():
        with purge_window(timezone.now() - timedelta(days=365 * 10)):
            pass
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessLog.objects.filter(pk=old.pk).delete()
    assert AccessLog.objects.filter(pk=old.pk).count() == 1


@pytest.mark.django_db
def test_purge_removes_only_entries_older_than_the_retention(settings):
    settings.ACCESS_LOG_RETENTION_YEARS = 5
    now = timezone.now()
    too_old = _entry(at=now - timedelta(days=365 * 5 + 10))
    kept_just = _entry(at=now - timedelta(days=365 * 5 - 10))
    recent = _entry(at=now - timedelta(days=1))

    assert access_log_purge(now=now) == 1

    assert set(AccessLog.objects.values_list("pk", flat=True)) == {kept_just.pk, recent.pk}
    assert not AccessLog.objects.filter(pk=too_old.pk).exists()


@pytest.mark.django_db
def test_the_shortest_retention_purges_too(settings):
    """One year, the least the database allows, with the cutoff computed just now."""
    settings.ACCESS_LOG_RETENTION_YEARS = 1
    _entry(at=timezone.now() - timedelta(days=370))
    kept = _entry(at=timezone.now() - timedelta(days=360))
    assert access_log_purge() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_the_purge_task_uses_the_retention_setting(settings):
    from units.tasks import purge_access_log

    settings.ACCESS_LOG_RETENTION_YEARS = 2
    _entry(at=timezone.now() - timedelta(days=365 * 3))
    _entry(at=timezone.now() - timedelta(days=365))

    assert purge_access_log.delay().get() == 1
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_both_triggers_exist():
    """A migration that rebuilds the table on SQLite would drop them silently."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["units_accesslog"],
            )
            expected = {"units_accesslog_no_update", "units_accesslog_no_delete"}
        else:
            cursor.execute(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers"
                " WHERE event_object_table = %s",
                ["units_accesslog"],
            )
            expected = {"units_accesslog_append_only"}
        assert {row[0] for row in cursor.fetchall()} == expected


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_leave_entries_behind():
    """The flush after this test empties the log; the next test sees the guard again."""
    _entry()
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_guard_is_back_after_a_flush():
    entry = _entry()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action=AccessAction.CHANGED)
    assert AccessLog.objects.count() == 1
