"""Make accounts_auditevent append-only in the database itself.

PostgreSQL (production and tests): a trigger refuses UPDATE and DELETE row by row. SQLite (the
embedded `make run` default) gets the equivalent triggers. TRUNCATE stays possible for the test
runner's flush between transactional tests; it needs table ownership, which the app does not use.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'accounts_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'accounts_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete;",
]


def _run(schema_editor, postgres: list[str], sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres, "sqlite": sqlite}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No append-only trigger for the {vendor} database.")
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, [POSTGRES_FORWARD], SQLITE_FORWARD)


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, [POSTGRES_REVERSE], SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_event_and_session_generation")]

    operations = [migrations.RunPython(forward, reverse)]
