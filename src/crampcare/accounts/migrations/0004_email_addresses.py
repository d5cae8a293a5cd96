"""Give every account its sign-in address as allauth keeps it (not primary, not verified), as
allauth's email page would otherwise add it on the first visit: reading a page never writes."""

from typing import Any

from django.db import migrations


def add_missing(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model("accounts", "User")
    address_model = apps.get_model("account", "EmailAddress")
    database = schema_editor.connection.alias
    known = set(address_model.objects.using(database).values_list("user_id", "email"))
    address_model.objects.using(database).bulk_create(
        address_model(user_id=pk, email=email, primary=False, verified=False)
        for pk, email in user_model.objects.using(database).values_list("pk", "email")
        if email and (pk, email) not in known
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_country"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop, elidable=True)]
