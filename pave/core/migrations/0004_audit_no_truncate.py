"""On PostgreSQL, refuse TRUNCATE on the audit log as well (0002 refuses UPDATE and DELETE):
row triggers do not fire on TRUNCATE, so without this one `TRUNCATE core_auditevent` emptied
the log, and `pave audit verify` then found an intact chain of 0 events."""

from django.db import migrations

CREATE = """
CREATE TRIGGER pave_audit_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION pave_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS pave_audit_no_truncate ON core_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_keyed_chain_key_canaries")]
    operations = [migrations.RunPython(forwards, backwards)]
