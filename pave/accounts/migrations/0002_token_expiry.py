import datetime

from django.conf import settings
from django.db import migrations, models


def expire_existing(apps, schema_editor):
    """Tokens issued before tokens expired get the default lifetime, counted from now, so
    no program stops working the day this is deployed (and none keeps a token forever)."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = datetime.datetime.now(datetime.UTC)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=now + datetime.timedelta(days=settings.PAVE_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken", name="expires_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken", name="expires_at", field=models.DateTimeField()
        ),
    ]
