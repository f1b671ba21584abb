"""Signed notes, note versions and alerts stay undeletable, except by the retention sweep for
a closed account: it names the patient in the transaction-local setting
`psoas.erasing_patient` (programs/services/records.py), and the triggers let a DELETE through
only for that patient's rows and only while their account is closed. Updates are refused as
before. PostgreSQL only, like the triggers it replaces (0003_care_team)."""

from django.db import migrations

ERASABLE_SQL = """
CREATE FUNCTION programs_erasure_allowed(patient bigint) RETURNS boolean AS $$
  SELECT coalesce(current_setting('psoas.erasing_patient', true), '') = patient::text
     AND EXISTS (
       SELECT 1 FROM accounts_user u
        WHERE u.id = patient AND u.closed_at IS NOT NULL AND NOT u.is_active
     );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION programs_note_locked() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF programs_erasure_allowed(OLD.patient_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'progress notes are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'a signed progress note cannot change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION programs_noteversion_locked() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND programs_erasure_allowed(
    (SELECT n.patient_id FROM programs_progressnote n WHERE n.id = OLD.note_id)
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE FUNCTION programs_alert_locked() RETURNS trigger AS $$
BEGIN
  IF programs_erasure_allowed(OLD.patient_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

DROP TRIGGER programs_progressnoteversion_append_only ON programs_progressnoteversion;
CREATE TRIGGER programs_progressnoteversion_append_only BEFORE UPDATE OR DELETE
  ON programs_progressnoteversion FOR EACH ROW EXECUTE FUNCTION programs_noteversion_locked();
DROP TRIGGER programs_alert_never_deleted ON programs_alert;
CREATE TRIGGER programs_alert_never_deleted BEFORE DELETE
  ON programs_alert FOR EACH ROW EXECUTE FUNCTION programs_alert_locked();
"""

LOCKED_SQL = """
CREATE OR REPLACE FUNCTION programs_note_locked() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'progress notes are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'a signed progress note cannot change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER programs_progressnoteversion_append_only ON programs_progressnoteversion;
CREATE TRIGGER programs_progressnoteversion_append_only BEFORE UPDATE OR DELETE
  ON programs_progressnoteversion FOR EACH ROW EXECUTE FUNCTION programs_append_only();
DROP TRIGGER programs_alert_never_deleted ON programs_alert;
CREATE TRIGGER programs_alert_never_deleted BEFORE DELETE
  ON programs_alert FOR EACH ROW EXECUTE FUNCTION programs_append_only();
DROP FUNCTION programs_alert_locked();
DROP FUNCTION programs_noteversion_locked();
DROP FUNCTION programs_erasure_allowed(bigint);
"""


def erasable(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ERASABLE_SQL)


def locked(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOCKED_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_user_account_data_erased_at"),
        ("programs", "0006_intake_from_accounts"),
    ]

    operations = [migrations.RunPython(erasable, locked)]
