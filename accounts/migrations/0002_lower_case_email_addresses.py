"""Stores every e-mail address in lower case, as the application now does.

Two accounts whose addresses differ only in case cannot both be kept: the
migration stops and names them, rather than merging people's data silently.
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


def lower_email_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashes = (
        User.objects.annotate(lowered=Lower("email"))
        .values("lowered")
        .annotate(accounts=Count("id"))
        .filter(accounts__gt=1)
        .order_by("lowered")
    )
    if clashes:
        listed = ", ".join(f"{c['lowered']} ({c['accounts']} accounts)" for c in clashes)
        raise RuntimeError(
            "Cannot store e-mail addresses in lower case: these accounts differ only in "
            f"the case of their address: {listed}. Merge or rename them (admin or shell), "
            "then run the migration again."
        )
    for user in User.objects.exclude(email=Lower("email")).only("id", "email"):
        user.email = user.email.strip().lower()
        user.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(lower_email_addresses, migrations.RunPython.noop)]
