"""Every unit gets its three default waves when it is created (a unit-created hook,
research/apps.py); this gives them to the units that existed before and had none,
so that research pages need not create them on a GET."""

from django.db import migrations

# research.models.Wave.DEFAULTS as it stands now: (code, label, order).
DEFAULTS = (("baseline", "Baseline", 1), ("intermediary", "Intermediary", 2), ("final", "Final", 3))


def create_default_waves(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    Wave = apps.get_model("research", "Wave")
    without_waves = Unit.objects.filter(waves__isnull=True).values_list("pk", flat=True)
    Wave.objects.bulk_create(
        [
            Wave(unit_id=unit_id, code=code, label=label, order=order)
            for unit_id in without_waves
            for code, label, order in DEFAULTS
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0004_import_in_the_background"),
        ("units", "0005_invitation_email_sent"),
    ]

    operations = [migrations.RunPython(create_default_waves, migrations.RunPython.noop)]
