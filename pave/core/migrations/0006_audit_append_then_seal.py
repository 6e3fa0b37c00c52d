"""Audit events are appended unsealed and sealed later (pave.core.audit.audit_seal): `seq`,
`prev_hash` and `hash` may be NULL until then; a partial index lists the unsealed ones.

On PostgreSQL the append-only trigger (0002, 0004) now lets exactly one UPDATE through: the
sealer setting seq, prev_hash and hash of a row that has none, nothing else changed. Any other
UPDATE (of a sealed row, of any other column, or un-sealing), every DELETE and TRUNCATE are
still refused. Reversing needs every row sealed first (the columns become NOT NULL again).
"""

from django.conf import settings
from django.db import migrations, models

SEAL_ONCE = """
CREATE OR REPLACE FUNCTION pave_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The one UPDATE allowed: sealing an unsealed row (pave.core.audit.audit_seal).
        IF OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
           AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
           AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash'
               = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash'
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION pave_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEAL_ONCE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_scheduled_jobs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['-id']},
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
