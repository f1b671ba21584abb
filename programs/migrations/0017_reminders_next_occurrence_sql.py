"""The sweep's timing rules as SQL functions (PostgreSQL only), so that one statement per batch
claims the due schedule rows, moves each to its next local occurrence and records the
deliveries. They mirror `programs/reminders_times.py` line for line; the tests in
tests/programs/reminders/test_reminders_times_sql.py hold the two equal (every zone's
daylight-saving changes, a skipped day, the first candidate day far from UTC).
"""

from django.db import migrations

FUNCTIONS = r"""
-- A zone name PostgreSQL would read as a fixed abbreviation under the default
-- timezone_abbreviations (CET is +01:00 all year there) goes by the zone the tz database
-- links it to. The fixed ones (EST, HST, MST, GMT, UTC, UCT) read the same either way.
CREATE OR REPLACE FUNCTION reminders_zone(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE name
        WHEN 'CET' THEN 'Europe/Brussels'
        WHEN 'MET' THEN 'Europe/Brussels'
        WHEN 'EET' THEN 'Europe/Athens'
        WHEN 'WET' THEN 'Europe/Lisbon'
        ELSE name
    END
$$;

-- reminders_times.local_instant: the UTC instant of wall-clock `at` on `day` in `zone`. A time
-- that happens twice goes at the first; a time inside a gap at the moment the clocks jump.
-- Assumes at most one change of offset within 24 hours either side (true of every zone).
CREATE OR REPLACE FUNCTION reminders_local_instant(day date, at time, zone text)
RETURNS timestamptz LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    naive timestamp := day + at;
    tz text := reminders_zone(zone);
    guess timestamptz := naive AT TIME ZONE tz;
    offset_before interval := ((guess - interval '24 hours') AT TIME ZONE tz)
        - ((guess - interval '24 hours') AT TIME ZONE 'UTC');
    offset_after interval := ((guess + interval '24 hours') AT TIME ZONE tz)
        - ((guess + interval '24 hours') AT TIME ZONE 'UTC');
    first timestamptz;
    second timestamptz;
    low bigint;
    high bigint;
    middle bigint;
BEGIN
    IF offset_before = offset_after THEN
        RETURN guess;  -- no change of offset near: the one reading
    END IF;
    first := (naive - offset_before) AT TIME ZONE 'UTC';
    second := (naive - offset_after) AT TIME ZONE 'UTC';
    IF (first AT TIME ZONE tz) = naive THEN
        IF (second AT TIME ZONE tz) = naive THEN
            RETURN least(first, second);  -- it happens twice: the first
        END IF;
        RETURN first;
    ELSIF (second AT TIME ZONE tz) = naive THEN
        RETURN second;
    END IF;
    -- In a gap: the first whole second whose wall clock reads `naive` or later.
    low := extract(epoch FROM least(first, second))::bigint;
    high := extract(epoch FROM greatest(first, second))::bigint;
    WHILE high - low > 1 LOOP
        middle := (low + high) / 2;
        IF (to_timestamp(middle) AT TIME ZONE tz) >= naive THEN
            high := middle;
        ELSE
            low := middle;
        END IF;
    END LOOP;
    RETURN to_timestamp(high);
END
$$;

-- reminders_times.next_occurrence: the first (local date, instant) on a chosen weekday
-- (bit 0 = Monday) later than `after_date` and strictly after `not_before`, step by step.
CREATE OR REPLACE FUNCTION reminders_next_occurrence_loop(
    at time, zone text, weekdays integer, after_date date, not_before timestamptz,
    OUT day date, OUT due timestamptz
) LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF coalesce(weekdays, 0) = 0 THEN
        RAISE EXCEPTION 'At least one weekday is needed.';
    END IF;
    day := (not_before AT TIME ZONE reminders_zone(zone))::date - 1;
    IF after_date IS NOT NULL AND after_date + 1 > day THEN
        day := after_date + 1;
    END IF;
    FOR i IN 1..16 LOOP
        IF weekdays & (1 << (extract(isodow FROM day)::integer - 1)) <> 0 THEN
            due := reminders_local_instant(day, at, zone);
            IF due > not_before THEN
                RETURN;
            END IF;
        END IF;
        day := day + 1;
    END LOOP;
    RAISE EXCEPTION 'unreachable: a chosen weekday recurs within a week';
END
$$;

-- The same answer without a call in the common case, as plain SQL the planner inlines into
-- the sweep's statement: when the first candidate day is a chosen weekday, its reading is
-- later than `not_before` and the offset is the same 24 hours either side of it (no
-- daylight-saving change near, so PostgreSQL's own reading is the one), that is the answer.
-- Anything else, and the four names reminders_zone maps, go through the loop.
CREATE OR REPLACE FUNCTION reminders_next_occurrence(
    at time, zone text, weekdays integer, after_date date, not_before timestamptz
) RETURNS TABLE (day date, due timestamptz) LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT
        CASE WHEN f.plain THEN f.first_day
            ELSE (reminders_next_occurrence_loop(at, zone, weekdays, after_date, not_before)).day
        END,
        CASE WHEN f.plain THEN f.reading
            ELSE (reminders_next_occurrence_loop(at, zone, weekdays, after_date, not_before)).due
        END
    FROM (
        SELECT c.first_day, c.reading,
            zone NOT IN ('CET', 'MET', 'EET', 'WET')
            AND after_date IS NOT NULL
            AND weekdays & (1 << (extract(isodow FROM c.first_day)::integer - 1)) <> 0
            AND c.reading > not_before
            AND ((c.reading - interval '24 hours') AT TIME ZONE zone)
                - ((c.reading + interval '24 hours') AT TIME ZONE zone) = interval '-48 hours'
            AS plain
        FROM (
            SELECT b.first_day, (b.first_day + at) AT TIME ZONE zone AS reading
            FROM (
                SELECT greatest(after_date + 1, (not_before AT TIME ZONE zone)::date - 1)
                    AS first_day
                OFFSET 0  -- each value computed once, not copied into every use
            ) AS b
            OFFSET 0
        ) AS c
    ) AS f
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS reminders_next_occurrence(time, text, integer, date, timestamptz);
DROP FUNCTION IF EXISTS reminders_next_occurrence_loop(time, text, integer, date, timestamptz);
DROP FUNCTION IF EXISTS reminders_local_instant(date, time, text);
DROP FUNCTION IF EXISTS reminders_zone(text);
"""


def _on_postgresql(sql: str):  # noqa: ANN202 - a migration callable
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0016_reminderdelivery_claim")]

    operations = [migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP))]
