"""On PostgreSQL, refuse UPDATE and DELETE on the audit log at the database level too."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pave_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pave_audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION pave_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS pave_audit_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS pave_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
