"""One valid certificate per participant and event (issue 12): parallel issue requests had
created several for the same person, and revoking one left its duplicates verifying as
genuine. Before the constraint, the duplicates are revoked: those issued before a revocation
of the same participant's certificate for the event (the revocation meant them too), then all
but the first of those still valid. Nothing is deleted: every code handed out keeps verifying,
as revoked."""

from django.db import migrations, models
from django.utils import timezone


def duplicates_revoked(apps, schema_editor):
    Certificate = apps.get_model("training", "Certificate")
    now = timezone.now()
    groups = (
        Certificate.objects.values("event_id", "participant_id")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
    )
    for group in groups:
        siblings = Certificate.objects.filter(
            event_id=group["event_id"], participant_id=group["participant_id"]
        )
        last_revoked = siblings.aggregate(last=models.Max("revoked_at"))["last"]
        valid = siblings.filter(revoked_at__isnull=True)
        if last_revoked is not None:
            valid.filter(created_at__lte=last_revoked).update(revoked_at=last_revoked)
        keep = valid.order_by("created_at", "id").first()
        if keep is not None:
            valid.exclude(pk=keep.pk).update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_report_indexes"),
    ]

    operations = [
        migrations.RunPython(duplicates_revoked, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=("event", "participant"),
                name="certificate_one_valid_per_participant_and_event",
            ),
        ),
    ]
