"""A roster entry's ending import is checked by triggers instead of a declared foreign key.

Every row an import adds has no ending import (NULL), yet PostgreSQL queued a foreign-key check
for each of them, fired at commit to find nothing to check: about 0.35 s per million rows
(docs/operations.md, "Roster imports"). The trigger below is not even queued for a NULL (its
WHEN clause), and checks the rest as the foreign key did: at commit, the import share-locked.
An import that ends entries cannot be deleted, nor its id changed (Django's on_delete=SET_NULL
clears the entries first, as before). As in 0013: PostgreSQL only.
"""

import django.db.models.deletion
from django.db import migrations, models

from accounts.migrations._postgresql import postgresql_only

FORWARD = """
CREATE FUNCTION accounts_roster_ending_import_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM accounts_rosterimport WHERE id = NEW.ended_by_import_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = format(
            'Roster entry %s names import %s as ending it, which does not exist.',
            NEW.id, NEW.ended_by_import_id);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER accounts_roster_ending_import_exists
    AFTER INSERT OR UPDATE OF ended_by_import_id ON accounts_rosterentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (NEW.ended_by_import_id IS NOT NULL)
    EXECUTE FUNCTION accounts_roster_ending_import_exists();

CREATE FUNCTION accounts_rosterimport_keeps_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM accounts_rosterentry WHERE ended_by_import_id = OLD.id) THEN
        RAISE foreign_key_violation USING MESSAGE = format(
            'Import %s ended roster entries: it cannot be deleted or renumbered.', OLD.id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER accounts_rosterimport_keeps_ended
    BEFORE DELETE OR UPDATE OF id ON accounts_rosterimport
    FOR EACH ROW EXECUTE FUNCTION accounts_rosterimport_keeps_ended();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS accounts_rosterimport_keeps_ended ON accounts_rosterimport;
DROP FUNCTION IF EXISTS accounts_rosterimport_keeps_ended();
DROP TRIGGER IF EXISTS accounts_roster_ending_import_exists ON accounts_rosterentry;
DROP FUNCTION IF EXISTS accounts_roster_ending_import_exists();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_roster_sponsor_checked_by_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rosterentry",
            name="ended_by_import",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.rosterimport",
            ),
        ),
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD)),
    ]
