"""A roster entry's sponsor is checked by triggers instead of a declared foreign key.

PostgreSQL checks a foreign key one row at a time, with a row lock on the sponsor each time: a
third of a million-row roster import (docs/operations.md, "Roster imports"). These triggers
keep the foreign key's guarantee, in both directions:

- a roster entry inserted, or moved to another sponsor, must name a sponsor that exists; it is
  checked at commit (as the foreign key was: deferred) and the sponsor is share-locked against
  deletion, as the foreign key's own check does. The one exception is the rows of the sponsor
  whose id the transaction has put in `therapy.roster_locked_sponsor`: the roster import does
  that only while it holds that sponsor's row locked (FOR UPDATE) until it commits, so the
  sponsor exists and cannot go away under it (accounts.services.rosters._apply_and_record);
- a sponsor that has roster entries cannot be deleted, nor its id changed.

PostgreSQL only. On SQLite (`make run`'s demo database) the ORM's on_delete=PROTECT is the
guard, as it is for every foreign key there.
"""

import django.db.models.deletion
from django.db import migrations, models

from accounts.migrations._postgresql import postgresql_only

FORWARD = """
CREATE FUNCTION accounts_roster_sponsor_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM accounts_sponsor WHERE id = NEW.sponsor_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = format(
            'Roster entry %s names sponsor %s, which does not exist.', NEW.id, NEW.sponsor_id);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER accounts_roster_sponsor_exists
    AFTER INSERT OR UPDATE OF sponsor_id ON accounts_rosterentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (NEW.sponsor_id::text IS DISTINCT FROM
          current_setting('therapy.roster_locked_sponsor', true))
    EXECUTE FUNCTION accounts_roster_sponsor_exists();

CREATE FUNCTION accounts_sponsor_keeps_roster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM accounts_rosterentry WHERE sponsor_id = OLD.id) THEN
        RAISE foreign_key_violation USING MESSAGE = format(
            'Sponsor %s has roster entries: it cannot be deleted or renumbered.', OLD.id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER accounts_sponsor_keeps_roster
    BEFORE DELETE OR UPDATE OF id ON accounts_sponsor
    FOR EACH ROW EXECUTE FUNCTION accounts_sponsor_keeps_roster();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS accounts_sponsor_keeps_roster ON accounts_sponsor;
DROP FUNCTION IF EXISTS accounts_sponsor_keeps_roster();
DROP TRIGGER IF EXISTS accounts_roster_sponsor_exists ON accounts_rosterentry;
DROP FUNCTION IF EXISTS accounts_roster_sponsor_exists();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_merge_security_and_pathway"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rosterentry",
            name="sponsor",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="roster",
                to="accounts.sponsor",
            ),
        ),
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD)),
    ]
