"""Coded passages whose source was deleted before passages followed their source."""

from django.db import migrations

SOURCES = (("research", "material"), ("units", "session"), ("phases", "experiment"))


def forget_orphans(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    CodedFragment = apps.get_model("research", "CodedFragment")
    for app_label, model_name in SOURCES:
        ct = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if ct is None:
            continue
        model = apps.get_model(app_label, model_name)
        CodedFragment.objects.filter(content_type=ct).exclude(
            object_id__in=model.objects.values("pk")
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("phases", "0001_initial"),
        ("units", "0002_unit_validators"),
        ("research", "0002_wave_code_not_a_formula"),
    ]

    operations = [migrations.RunPython(forget_orphans, migrations.RunPython.noop)]
