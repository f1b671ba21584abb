"""Progression over 12 weeks: 1,000 synthetic patients (a third each improving, flat, flaring).

(i)  The rules (programs/progression_rules.py, the module the services call) run week by week on
     each patient's glute-bridge chain: glute bridge 2 x 10 up to the single-leg bridge at 3 x 15,
     nine steps. Every suggestion is applied (as if auto-apply were on for regressions too), the
     window restarts on each new dose, as in the selectors. Figures: suggestions by direction,
     patients who ever advanced, held throughout or regressed, weeks to the chain's last step for
     improvers.
(ii) The real services on a sample (BENCH_PROGRESSION_DB patients): each gets a plan and two weeks
     of completions of its trajectory in PostgreSQL, auto-apply on, then `progression_check` runs
     twice; the applied versions are compared with the ones before.
Goals (any size, so smoke mode enforces them): no flaring patient is ever advanced, in (i) or
(ii); every applied change is exactly one ladder step; a second check adds nothing.

Trajectories (per patient, seeded): baseline pain 2-4 on the exercise.
  improving: pain falls from baseline to 1 over about six weeks, a step up adds one point for a
             few days; 85-100 % of sessions done; mostly "too easy" or "about right".
  flat:      pain baseline +-1 at random; 60-95 % done; a third of sessions "too hard".
  flaring:   pain starts one point above baseline and rises about one point a week (to 9);
             70-95 % done; "too hard" grows with the pain.
Sizes: BENCH_PROGRESSION_PATIENTS (1,000; 150 in smoke mode), BENCH_PROGRESSION_DB (60; 12).
"""

import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bench.harness import report, size

# isort: split
# The project's rules and services this benchmark drives, in one place.
from programs import progression_rules as rules
from programs.sessions_schedule import scheduled_weekdays

PATIENTS = size("BENCH_PROGRESSION_PATIENTS", full=1000, smoke_size=150)
DB_PATIENTS = size("BENCH_PROGRESSION_DB", full=60, smoke_size=12)
WEEKS = 12
SESSIONS_PER_WEEK = 5  # the glute bridge's frequency in the psoas program
KINDS = ("improving", "flat", "flaring")

BRIDGE, SINGLE_LEG = 1, 2
LADDERS = {
    BRIDGE: rules.Ladder(
        default=rules.Dose(BRIDGE, 2, 10, None),
        harder=rules.Variant(SINGLE_LEG, 2, 8, None),
        easier=None,
    ),
    SINGLE_LEG: rules.Ladder(
        default=rules.Dose(SINGLE_LEG, 2, 8, None),
        harder=None,
        easier=rules.Variant(BRIDGE, 2, 10, None),
    ),
}
TOP = rules.Dose(SINGLE_LEG, 3, 15, None)


def _chain() -> list[rules.Dose]:
    """Every step of the chain, bottom to top: where a patient stands is an index in it."""
    steps = [LADDERS[BRIDGE].default]
    while (
        up := rules.next_step(
            dose=steps[-1], ladder=LADDERS[steps[-1].exercise_id], decision=rules.Decision.ADVANCE
        )
    ) is not None:
        steps.append(up)
    return steps


CHAIN = _chain()


@dataclass
class Person:
    kind: str
    rng: random.Random
    baseline: int
    adherence: float
    dose: rules.Dose = field(default_factory=lambda: LADDERS[BRIDGE].default)
    stepped_up_on: int = -100

    def day(self, n: int) -> rules.Reading | None:
        """Day n (0-based) of the 12 weeks: a reading, or None when skipped."""
        if self.rng.random() > self.adherence:
            return None
        week = n / 7
        if self.kind == "improving":
            pain = max(1.0, self.baseline - week * (self.baseline - 1) / 6)
            pain += 1 if n - self.stepped_up_on < 4 else 0
            pain += self.rng.choice((-0.5, 0, 0, 0.5))
            feel = self.rng.choices(["too_easy", "about_right", "too_hard"], [5, 4, 1])[0]
        elif self.kind == "flat":
            pain = self.baseline + self.rng.choice((-1, 0, 0, 1))
            feel = self.rng.choices(["too_easy", "about_right", "too_hard"], [1, 1, 1])[0]
        else:
            pain = min(9.0, self.baseline + 1 + week + self.rng.choice((0, 0, 1)))
            feel = "too_hard" if self.rng.random() < min(0.9, 0.2 + week / 10) else "about_right"
        return rules.Reading(max(0, min(10, round(pain))), feel)


def person(kind: str, seed: int) -> Person:
    rng = random.Random(seed)
    low, high = {"improving": (0.85, 1.0), "flat": (0.6, 0.95), "flaring": (0.7, 0.95)}[kind]
    return Person(kind, rng, baseline=rng.randint(2, 4), adherence=rng.uniform(low, high))


def simulate(p: Person, weeks: int = WEEKS) -> dict:
    """One patient's 12 weeks: readings every scheduled day, a decision every 7th day."""
    weekdays = scheduled_weekdays(SESSIONS_PER_WEEK)
    readings: list[tuple[int, rules.Reading]] = []
    dose_start = 0
    out = {"advance": 0, "hold": 0, "regress": 0, "top_week": None, "bad_steps": 0}
    for n in range(weeks * 7):
        if n % 7 in weekdays and (reading := p.day(n)) is not None:
            readings.append((n, reading))
        if n % 7 != 6:
            continue
        start = max(dose_start, n - rules.WINDOW_DAYS + 1)
        in_window = tuple(r for d, r in readings if d >= start)
        prescribed = sum(1 for d in range(start, n + 1) if d % 7 in weekdays)
        verdict = rules.decide(
            rules.ItemWindow(
                prescribed=prescribed,
                completed=min(len(in_window), prescribed),
                readings=in_window,
                baseline_pain=p.baseline,
            )
        )
        target = rules.next_step(
            dose=p.dose, ladder=LADDERS[p.dose.exercise_id], decision=verdict.decision
        )
        if target is None:
            out["hold"] += 1
            continue
        out[verdict.decision.value] += 1
        if (
            rules.steps_between(before=p.dose, after=target, ladder=LADDERS[p.dose.exercise_id])
            != 1
        ):
            out["bad_steps"] += 1
        p.dose, dose_start = target, n + 1
        if verdict.decision == rules.Decision.ADVANCE:
            p.stepped_up_on = n
        if p.dose == TOP and out["top_week"] is None:
            out["top_week"] = (n + 1) // 7
    out["final_step"] = CHAIN.index(p.dose) if p.dose in CHAIN else None
    return out


def _database_sample() -> dict:
    """(ii): the real check on real rows, auto-apply on."""
    from django.utils import timezone

    from accounts.models import CareTeamLink, PatientProfile, User
    from programs.models import (
        Completion,
        ExerciseSession,
        Plan,
        ProgramTemplate,
        ProgressionSuggestion,
    )
    from programs.selectors.progression import dose_for, ladder_for
    from programs.services.intake import intake_submit
    from programs.services.plans import plan_assign_template
    from programs.services.progression import progression_check, progression_settings_set

    psoas = ProgramTemplate.objects.get(slug="psoas")
    therapist = User.objects.create_user(
        email="bench-pt@example.com",
        password="!",  # noqa: S106 - never used to log in
        role=User.Role.THERAPIST,
    )
    started = timezone.now() - timedelta(days=21)
    kinds: dict[int, str] = {}
    before: dict[int, object] = {}
    for i in range(DB_PATIENTS):
        kind = KINDS[i % 3]
        p = person(kind, seed=10_000 + i)
        patient = User.objects.create_user(
            email=f"bench-progression-{i}@example.com",
            password="!",  # noqa: S106
            role=User.Role.PATIENT,
            first_name="Bench",
            last_name=str(i),
        )
        PatientProfile.objects.create(user=patient, date_of_birth=date(1980, 1, 1))
        CareTeamLink.objects.create(
            patient=patient, therapist=therapist, started_at=started, is_primary=True
        )
        # the intake gate: a program starts once the patient has answered the intake
        intake_submit(patient=patient, pain_areas=["front_of_hip"], pain_now=p.baseline)
        plan = plan_assign_template(therapist=therapist, patient=patient, template=psoas)
        Plan.objects.filter(pk=plan.pk).update(created_at=started)
        plan.versions.update(created_at=started)
        progression_settings_set(therapist=therapist, patient=patient, auto_apply_advances=True)
        item = plan.current_version.items.select_related("exercise").get(
            exercise__slug="glute-bridge"
        )
        before[patient.pk] = (dose_for(item), ladder_for(item))
        kinds[patient.pk] = kind
        zone = patient.patient_profile.zone
        today = timezone.localtime(timezone.now(), zone).date()
        weekdays = scheduled_weekdays(item.sessions_per_week)
        for back in range(13, -1, -1):
            day = today - timedelta(days=back)
            # the window's two weeks, as if they were the trajectory's weeks 1 and 2
            if day.weekday() not in weekdays or (reading := p.day(14 - back)) is None:
                continue
            session = ExerciseSession.objects.create(
                patient=patient,
                plan_version=plan.current_version,
                local_date=day,
                started_at=datetime.combine(day, time(18), tzinfo=zone),
            )
            Completion.objects.create(
                session=session,
                plan_item=item,
                exercise=item.exercise,
                pain=reading.pain,
                difficulty=reading.feel,
            )
    ids = list(kinds)
    made = progression_check(patient_ids=ids)
    again = progression_check(patient_ids=ids)
    applied = ProgressionSuggestion.objects.filter(
        status=ProgressionSuggestion.Status.AUTO_APPLIED
    ).select_related("applied_version")
    flaring_advanced = bad_steps = 0
    for s in applied:
        if kinds[s.patient_id] == "flaring":
            flaring_advanced += 1
        item = s.applied_version.items.get(exercise_id=s.to_exercise_id)
        dose, ladder = before[s.patient_id]  # type: ignore[misc]
        if rules.steps_between(before=dose, after=dose_for(item), ladder=ladder) != 1:
            bad_steps += 1
    by = {
        d: ProgressionSuggestion.objects.filter(direction=d).count() for d in ("advance", "regress")
    }
    return {
        "patients": DB_PATIENTS,
        "suggestions": len(made),
        "advances": by["advance"],
        "regresses": by["regress"],
        "auto_applied": applied.count(),
        "second_run_added": len(again),
        "flaring_advanced": flaring_advanced,
        "bad_steps": bad_steps,
    }


def run():
    rows = {kind: [] for kind in KINDS}
    for i in range(PATIENTS):
        kind = KINDS[i % 3]
        rows[kind].append(simulate(person(kind, seed=i)))
    # The chain has ten steps and a step needs a fresh window (about two weeks): few reach the
    # top in 12 weeks, so the improvers also run on to 52 weeks for the time to the last step.
    extended = [
        simulate(person("improving", seed=i), weeks=52)["top_week"]
        for i in range(PATIENTS)
        if KINDS[i % 3] == "improving"
    ]
    reached = [w for w in extended if w is not None]
    figures: dict = {"patients": PATIENTS, "weeks": WEEKS, "chain_steps": len(CHAIN) - 1}
    for kind, outs in rows.items():
        tops = [o["top_week"] for o in outs if o["top_week"] is not None]
        figures[kind] = {
            "patients": len(outs),
            "suggestions": {d: sum(o[d] for o in outs) for d in ("advance", "hold", "regress")},
            "ever_advanced": sum(1 for o in outs if o["advance"]),
            "ever_regressed": sum(1 for o in outs if o["regress"]),
            "held_throughout": sum(1 for o in outs if not o["advance"] and not o["regress"]),
            # where they end on the chain (0 = the start; below the start is not on it)
            "ended_on_chain_step_median": statistics.median(
                [o["final_step"] for o in outs if o["final_step"] is not None] or [0]
            ),
            "ended_below_the_start": sum(1 for o in outs if o["final_step"] is None),
            "reached_last_step": len(tops),
            "weeks_to_last_step_median": statistics.median(tops) if tops else None,
            "weeks_to_last_step_range": [min(tops), max(tops)] if tops else None,
        }
    figures["improving_52_weeks"] = {
        "reached_last_step": f"{len(reached)} of {len(extended)}",
        "weeks_to_last_step_median": statistics.median(reached) if reached else None,
        "weeks_to_last_step_range": [min(reached), max(reached)] if reached else None,
    }
    flaring_advanced = figures["flaring"]["ever_advanced"]
    bad_steps = sum(o["bad_steps"] for outs in rows.values() for o in outs)
    db = _database_sample()
    figures["database_sample"] = db
    goals = {
        "no flaring patient is ever advanced (rules)": flaring_advanced == 0,
        "every change is exactly one step (rules)": bad_steps == 0,
        "no flaring patient is ever advanced (services)": db["flaring_advanced"] == 0,
        "every applied change is exactly one step (services)": db["bad_steps"] == 0,
        "a second check adds nothing (services)": db["second_run_added"] == 0,
        "improvers advance (sanity: the rules are not stuck)": (
            figures["improving"]["ever_advanced"] > 0 and db["advances"] > 0
        ),
    }
    return report("progression", figures, goals, timing={})
