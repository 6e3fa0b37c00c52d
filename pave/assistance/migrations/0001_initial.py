from django.db import migrations, models


def load_catalogue(apps, schema_editor):
    from pave.assistance.catalogue import DEFAULT_CATALOGUE

    ServiceType = apps.get_model("assistance", "ServiceType")
    for order, (code, family, name) in enumerate(DEFAULT_CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"family": family, "name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ServiceType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("family", models.CharField(choices=[("return", "Return"), ("recovery", "Recovery"), ("reintegration", "Reintegration")], max_length=16, verbose_name="family")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("active", models.BooleanField(default=True, verbose_name="offered")),
                ("sort_order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"ordering": ["family", "sort_order", "name"]},
        ),
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
