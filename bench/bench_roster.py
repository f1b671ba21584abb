"""Roster import, eligibility check and employer dashboard at scale (issue 4).

All in one run on a generated roster (BENCH_ROSTER_ROWS, default 1,000,000):
  (i)   a raw psycopg COPY of the same file into a table with the roster's indexes (the goal's
      floor), and into a table made like the roster's with its foreign keys (printed only),
  (ii)  our import (stream, COPY into staging, set-based apply), and its re-import,
  (iii) Django bulk_create(batch_size=2000) of the same rows;
then 10,000 eligibility checks (p50/p99) with EXPLAIN of the lookup, the import worker's peak
memory at BENCH_MEMORY_ROWS (default "1000000,5000000"; empty to skip) in a child process,
and the employer dashboard over BENCH_EVENTS completion events (default 5,000,000): rollup
versus the same aggregate over the base tables.
Smoke mode: 50,000 rows, 2,000 eligibility checks (BENCH_ELIGIBILITY_CHECKS), memory at
"50000,200000" rows, 500,000 events. Timing and memory ratios are not enforced there.
"""

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.harness import ROOT, Outcome, report, size, smoke

# isort: split
# The project's services and selectors this benchmark drives, in one place: update these lines
# when they move (bench/run.py sets Django up before importing a benchmark; the memory child
# process imports them from here).
from accounts.eligibility_matching import normalise_name
from accounts.selectors.employer import activity_from_rollup
from accounts.services.eligibility import eligibility_check
from accounts.services.employer import activity_rollup_catch_up, last_closed_day
from accounts.services.rosters import (
    COLUMNS,
    parse_roster_date,
    roster_import_create,
    roster_import_process,
)
from programs.services.plans import plan_assign_template
from tests.accounts.employer.test_activity_rollup import activity_from_events

FIRST = [
    "James",
    "María",
    "Wei",
    "Aisha",
    "Olivia",
    "Mohammed",
    "Sofía",
    "Liam",
    "Chloé",
    "Noah",
    "Zoë",
    "Mateo",
    "Hana",
    "Lucas",
    "Ingrid",
    "Kwame",
    "Priya",
    "Dmitri",
    "Fatima",
    "Jonas",
]
LAST = [
    "Smith",
    "García-López",
    "Nguyen",
    "O'Brien",
    "Müller",
    "Kowalski",
    "Okafor",
    "Rossi",
    "Johansson",
    "Tanaka",
    "Silva",
    "Dubois",
    "Cohen",
    "Haddad",
    "Van der Berg",
    "Núñez",
    "Petrov",
    "Kim",
    "Schmidt",
    "Ivanova",
]


def _say(message: str) -> None:
    print(f"   [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _person(n: int, rnd: random.Random) -> list[str]:
    dob = date(1950, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 55))
    return [
        f"M{n:08d}",
        rnd.choice(FIRST),
        rnd.choice(LAST),
        dob.isoformat(),
        f"p{n}@work.example",
        f"{10000 + n % 89999}",
        "employee" if n % 5 else "spouse",
        "2024-01-01",
        "",
    ]


def write_roster(path: Path, rows: int, seed: int = 4) -> None:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            writer.writerow(_person(n, rnd))


def _sponsor(slug: str):
    from accounts.models import Sponsor

    return Sponsor.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]


def settle() -> None:
    """Before each timed phase: the earlier phases' writes flushed (the generated file, and a
    checkpoint for the database's), so that no phase pays for the one before it."""
    from django.db import DatabaseError, connection

    os.sync()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:  # not allowed for this role: the phases still run
        _say(f"no checkpoint between phases ({exc})")


def raw_copy(path: Path) -> float:
    """(i): the file as it is, COPY'd into a table with the roster's indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_roster")
        cursor.execute(
            """
            CREATE TABLE bench_raw_roster (
                id bigserial PRIMARY KEY, sponsor_id bigint NOT NULL DEFAULT 1,
                member_id varchar(64) NOT NULL, first_name varchar(150) NOT NULL,
                last_name varchar(150) NOT NULL, date_of_birth date NOT NULL,
                email varchar(254) NOT NULL, postal_code varchar(16) NOT NULL,
                relationship varchar(16) NOT NULL, coverage_start date NOT NULL,
                coverage_end date)
            """
        )
        # The roster's indexes: primary key, (sponsor, member_id) unique, (sponsor, date of
        # birth), (sponsor, last name).
        cursor.execute("CREATE UNIQUE INDEX ON bench_raw_roster (sponsor_id, member_id)")
        cursor.execute("CREATE INDEX ON bench_raw_roster (sponsor_id, date_of_birth)")
        cursor.execute("CREATE INDEX ON bench_raw_roster (sponsor_id, last_name)")
        start = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_raw_roster (member_id, first_name, last_name, date_of_birth, email, "
                "postal_code, relationship, coverage_start, coverage_end) "
                "FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')"
            ) as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_raw_roster")
    return elapsed


def raw_copy_like_roster(path: Path, sponsor) -> float:
    """(i) again, into a table made like accounts_rosterentry: its columns, check constraint,
    indexes and the deferred foreign keys it declared until accounts migration 0013 (checked
    row by row at commit; the sponsor's is now a trigger the import's own rows skip). Printed
    beside the goal's floor, not a goal."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_like_roster")
        cursor.execute("CREATE TABLE bench_like_roster (LIKE accounts_rosterentry INCLUDING ALL)")
        cursor.execute(
            "ALTER TABLE bench_like_roster ADD FOREIGN KEY (sponsor_id) REFERENCES"
            " accounts_sponsor (id) DEFERRABLE INITIALLY DEFERRED"
        )
        for column, value in (
            ("sponsor_id", sponsor.pk),
            ("created_at", "now()"),
            ("updated_at", "now()"),
            ("first_name_norm", "''"),
            ("last_name_norm", "''"),
        ):
            cursor.execute(
                f"ALTER TABLE bench_like_roster ALTER COLUMN {column} SET DEFAULT {value}"
            )
        start = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_like_roster (member_id, first_name, last_name, date_of_birth, email, "
                "postal_code, relationship, coverage_start, coverage_end) "
                "FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')"
            ) as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start  # autocommit: the foreign key checks included
        cursor.execute("DROP TABLE bench_like_roster")
    return elapsed


def our_import(path: Path, sponsor) -> tuple[float, object]:
    """(ii): the import's worker step, the same function the Celery task calls."""
    from django.core.files import File

    from accounts.models import RosterImport

    with path.open("rb") as handle:
        created = roster_import_create(
            sponsor=sponsor, file=File(handle, name=path.name), uploaded_by=None
        )
    start = time.perf_counter()
    roster_import_process(import_id=created.pk)
    elapsed = time.perf_counter() - start
    return elapsed, RosterImport.objects.get(pk=created.pk)


def django_bulk_create(path: Path, sponsor) -> float:
    """(iii): the ORM way: parse, build objects, bulk_create 2,000 at a time."""
    from accounts.models import RosterEntry

    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        batch: list[RosterEntry] = []
        for row in reader:
            batch.append(
                RosterEntry(
                    sponsor=sponsor,
                    member_id=row["member_id"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    first_name_norm=normalise_name(row["first_name"]),
                    last_name_norm=normalise_name(row["last_name"]),
                    date_of_birth=parse_roster_date(row["date_of_birth"]),
                    email=row["email"],
                    postal_code=row["postal_code"],
                    relationship=row["relationship"],
                    coverage_start=parse_roster_date(row["coverage_start"]),
                )
            )
            if len(batch) == 2000:
                RosterEntry.objects.bulk_create(batch, batch_size=2000)
                batch = []
        RosterEntry.objects.bulk_create(batch, batch_size=2000)
    return time.perf_counter() - start


def eligibility_checks(sponsor, rows: int, count: int) -> dict:
    from accounts.models import RosterEntry

    rnd = random.Random(7)
    people = list(
        RosterEntry.objects.filter(sponsor=sponsor, pk__in=_sample_ids(sponsor, rnd, 2000)).values(
            "first_name", "last_name", "date_of_birth"
        )
    )
    samples = []
    for n in range(count):
        person = rnd.choice(people)
        first = person["first_name"] if n % 4 else "Nobody"  # a quarter are not found
        start = time.perf_counter()
        eligibility_check(
            sponsor=sponsor,
            first_name=first,
            last_name=person["last_name"],
            date_of_birth=person["date_of_birth"],
        )
        samples.append(time.perf_counter() - start)
    samples.sort()
    plan = RosterEntry.objects.filter(
        sponsor=sponsor, date_of_birth=people[0]["date_of_birth"]
    ).explain()
    return {
        "checks": count,
        "p50_ms": round(statistics.median(samples) * 1000, 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 3),
        "plan": plan,
    }


def _sample_ids(sponsor, rnd: random.Random, k: int) -> list[int]:
    from accounts.models import RosterEntry

    low = RosterEntry.objects.filter(sponsor=sponsor).order_by("pk").values_list("pk", flat=True)
    first, last = low.first(), low.last()
    return [rnd.randint(first, last) for _ in range(k)]


_CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")
import django
django.setup()
from django.core.files import File
from accounts.models import Sponsor
from bench.bench_roster import roster_import_create, roster_import_process
sponsor, _ = Sponsor.objects.get_or_create(slug={slug!r}, defaults={{"name": "Memory"}})
with open({path!r}, "rb") as handle:
    upload = File(handle, name="m.csv")
    created = roster_import_create(sponsor=sponsor, file=upload, uploaded_by=None)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
done = roster_import_process(import_id=created.pk)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, peak, time.perf_counter() - start, done.added)
"""


def worker_peak_memory(rows: int, folder: Path) -> dict:
    """Peak RSS of a fresh process running the worker's import step on a file of `rows` rows."""
    from django.db import connection

    path = folder / f"memory-{rows}.csv"
    write_roster(path, rows, seed=rows)
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
    }
    code = _CHILD.format(root=str(ROOT), slug=f"memory-{rows}", path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    path.unlink()
    return {
        "rows": rows,
        "peak_rss_mb": round(int(out[1]) / 1024, 1),
        "rss_before_import_mb": round(int(out[0]) / 1024, 1),
        "seconds": round(float(out[2]), 2),
        "added": int(out[3]),
    }


def build_activity(events: int) -> dict:
    """Enrolled members with sessions and completions, generated in SQL (5 exercises a day)."""
    from django.db import connection

    from accounts.models import Sponsor
    from programs.models import Intake, ProgramTemplate

    per_session = 5
    members = max(20, min(5000, events // (per_session * 200)))
    days = max(1, events // (per_session * members))
    sponsor = Sponsor.objects.create(slug="bench-activity", name="Bench Activity")
    until = last_closed_day()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, role,
                is_active, is_staff, date_joined, session_generation)
            SELECT '!', false, 'member' || g || '@bench.example', 'Member', 'Bench' || g,
                   'patient', true, false, now(), 0
            FROM generate_series(1, %s) g
            """,
            [members],
        )
        cursor.execute(
            """
            INSERT INTO accounts_rosterentry (sponsor_id, member_id, first_name, last_name,
                first_name_norm, last_name_norm, date_of_birth, email, postal_code, relationship,
                coverage_start, created_at, updated_at)
            SELECT %s, 'B' || u.id, u.first_name, u.last_name, 'member', 'bench' || u.id,
                   DATE '1980-01-01', '', '', 'employee', DATE '2020-01-01', now(), now()
            FROM accounts_user u WHERE u.email LIKE '%%@bench.example'
            """,
            [sponsor.pk],
        )
        cursor.execute(
            """
            INSERT INTO accounts_enrolment (user_id, roster_entry_id, enrolled_at)
            SELECT u.id, r.id, now() FROM accounts_user u
            JOIN accounts_rosterentry r ON r.member_id = 'B' || u.id AND r.sponsor_id = %s
            """,
            [sponsor.pk],
        )
    from accounts.models import User

    pt = User.objects.create_user("bench-pt@bench.example", None, role="therapist")
    first_member = User.objects.filter(email="member1@bench.example").get()
    # The intake gate: a program starts only after a (clean) intake.
    Intake.objects.get_or_create(
        patient=first_member, defaults={"pain_areas": ["lower_back"], "pain_now": 3}
    )
    plan = plan_assign_template(
        therapist=pt, patient=first_member, template=ProgramTemplate.objects.get(slug="psoas")
    )
    items = list(plan.current_version.items.order_by("order").values_list("pk", "exercise_id"))
    items = items[:per_session]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO programs_exercisesession (patient_id, plan_version_id, local_date,
                started_at, finished_at)
            SELECT u.id, %s, %s::date - d, now(), now()
            FROM accounts_user u CROSS JOIN generate_series(0, %s - 1) d
            WHERE u.email LIKE '%%@bench.example' AND u.role = 'patient'
            """,
            [plan.current_version_id, until, days],
        )
        values = ", ".join(f"({k}, {item}, {exercise})" for k, (item, exercise) in enumerate(items))
        cursor.execute(
            f"""
            INSERT INTO programs_completion (session_id, plan_item_id, exercise_id, pain,
                difficulty, completed_at)
            SELECT s.id, i.item, i.exercise,
                   ((s.patient_id * 7 + (%s::date - s.local_date) / 9 + i.k) %% 11),
                   'about_right', now()
            FROM programs_exercisesession s
            CROSS JOIN (VALUES {values}) AS i(k, item, exercise)
            WHERE s.plan_version_id = %s
            """,
            [until, plan.current_version_id],
        )
        cursor.execute("ANALYZE programs_exercisesession")
        cursor.execute("ANALYZE programs_completion")
        cursor.execute("SELECT COUNT(*) FROM programs_completion")
        (total,) = cursor.fetchone()
    return {
        "sponsor": sponsor,
        "until": until,
        "members": members,
        "days": days,
        "completion_events": total,
        "generate_seconds": round(time.perf_counter() - start, 1),
    }


def _median_time(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def dashboard(events: int) -> dict:
    built = build_activity(events)
    sponsor, until = built.pop("sponsor"), built.pop("until")
    start = time.perf_counter()
    rolled = activity_rollup_catch_up(until=until)
    rollup_seconds = time.perf_counter() - start
    start = time.perf_counter()
    activity_rollup_catch_up(until=until)
    rerun_seconds = time.perf_counter() - start
    month = until.replace(day=1)
    base_s, base = _median_time(
        lambda: activity_from_events(sponsor=sponsor, month=month, until=until), 3
    )
    rollup_s, rolled_up = _median_time(
        lambda: activity_from_rollup(sponsor=sponsor, month=month), 21
    )
    return {
        **built,
        "days_rolled": rolled,
        "rollup_all_days_seconds": round(rollup_seconds, 2),
        "rollup_per_day_ms": round(rollup_seconds / max(rolled, 1) * 1000, 1),
        "rollup_rerun_seconds": round(rerun_seconds, 3),
        "base_aggregate_ms": round(base_s * 1000, 2),
        "rollup_aggregate_ms": round(rollup_s * 1000, 3),
        "speedup": round(base_s / rollup_s, 1),
        "equal": base == rolled_up,
        "figures": {
            "active_members": rolled_up.active_members,
            "sessions": rolled_up.sessions,
            "pain_members": rolled_up.pain_members,
            "pain_change": (
                None if rolled_up.pain_change is None else float(rolled_up.pain_change)
            ),
        },
    }


def run() -> Outcome:
    rows = size("BENCH_ROSTER_ROWS", full=1_000_000, smoke_size=50_000)
    events = size("BENCH_EVENTS", full=5_000_000, smoke_size=500_000)
    checks_count = size("BENCH_ELIGIBILITY_CHECKS", full=10_000, smoke_size=2_000)
    memory_default = "50000,200000" if smoke() else "1000000,5000000"
    memory_rows = [
        int(r) for r in os.environ.get("BENCH_MEMORY_ROWS", memory_default).split(",") if r
    ]
    folder = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    path = folder / "roster.csv"
    _say(f"writing a {rows}-row roster")
    write_roster(path, rows)
    # The floor runs before and after the import (their mean is compared), each phase after
    # settle(): the machine's drift and each phase's write-back fall on neither side.
    settle()
    _say("(i) raw COPY")
    copy_runs = [raw_copy(path)]
    settle()
    _say("(i) raw COPY into a table like the roster's, foreign keys included")
    copy_like_s = raw_copy_like_roster(path, _sponsor("bench-like"))
    settle()
    _say("(ii) import")
    import_s, first = our_import(path, _sponsor("bench-roster"))
    settle()
    _say("re-import")
    reimport_s, second = our_import(path, _sponsor("bench-roster"))
    settle()
    _say("(i) raw COPY again")
    copy_runs.append(raw_copy(path))
    copy_s = statistics.fmean(copy_runs)
    settle()
    _say("(iii) bulk_create")
    bulk_s = django_bulk_create(path, _sponsor("bench-bulk"))
    _say("eligibility checks")
    checks = eligibility_checks(_sponsor("bench-roster"), rows, checks_count)
    plan = checks.pop("plan")
    memory = []
    for n in memory_rows:
        _say(f"worker memory at {n} rows")
        memory.append(worker_peak_memory(n, folder))
    _say(f"dashboard over {events} completion events")
    activity = dashboard(events) if events else {}
    path.unlink()

    figures = {
        "roster_rows": rows,
        "raw_copy_rows_per_s": round(rows / copy_s),
        "import_rows_per_s": round(rows / import_s),
        "bulk_create_rows_per_s": round(rows / bulk_s),
        "raw_copy_s": round(copy_s, 2),
        "raw_copy_runs_s": [round(x, 2) for x in copy_runs],
        "import_s": round(import_s, 2),
        "reimport_s": round(reimport_s, 2),
        "bulk_create_s": round(bulk_s, 2),
        "import_to_copy_ratio": round(copy_s / import_s, 2),
        "raw_copy_like_roster_s": round(copy_like_s, 2),
        "import_to_copy_like_roster_ratio": round(copy_like_s / import_s, 2),
        "import_to_bulk_create_speedup": round(bulk_s / import_s, 2),
        "first_import_counts": {"added": first.added, "rejected": first.rejected},
        "reimport_counts": {
            "added": second.added,
            "updated": second.updated,
            "ended": second.ended,
            "unchanged": second.unchanged,
        },
        "eligibility": checks,
        "eligibility_explain": plan,
        "worker_memory": memory,
        "dashboard": activity,
    }
    goals = {
        "re-import updates 0 rows": second.updated == 0 and second.added == 0,
        "eligibility lookup uses the (sponsor, date of birth) index": "accounts_roster_dob_idx"
        in plan,
    }
    # timing and memory ratios: not enforced at smoke sizes
    ratios = {
        "import at least 0.5x the rows per second of a raw COPY": copy_s / import_s >= 0.5,
        "import at least 4x the rows per second of bulk_create": bulk_s / import_s >= 4,
        "re-import at most 1.2x the first import": reimport_s <= 1.2 * import_s,
    }
    if len(memory) == 2:
        ratios["worker peak memory at the larger file at most 1.2x the smaller"] = (
            memory[1]["peak_rss_mb"] <= 1.2 * memory[0]["peak_rss_mb"]
        )
    if activity:
        ratios["dashboard from the rollup at least 50x faster than the base tables"] = (
            activity["speedup"] >= 50
        )
        goals["rollup figures exactly equal the base tables'"] = activity["equal"]
    return report("roster", figures, goals, timing=ratios)
