"""ODI, PSFS and pain check-in: scoring, skipped sections, bad input, schedule, charts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs import outcomes_scoring
from programs.charts import outcome_chart
from programs.models import OutcomeResponse
from programs.services.outcomes import outcome_record

ALL_TWOS = dict.fromkeys(outcomes_scoring.ODI_KEYS, 2)


def test_odi_all_sections_answered():
    assert outcomes_scoring.odi_score(ALL_TWOS) == Decimal("40.0")
    assert outcomes_scoring.odi_score(dict.fromkeys(outcomes_scoring.ODI_KEYS, 0)) == Decimal("0.0")
    assert outcomes_scoring.odi_score(dict.fromkeys(outcomes_scoring.ODI_KEYS, 5)) == Decimal(
        "100.0"
    )


def test_odi_skipped_sections_leave_the_denominator():
    # nine sections answered, sum 20: 20 / 45 x 100 = 44.4
    answers = {**ALL_TWOS, "sex_life": None, "walking": 4}
    assert outcomes_scoring.odi_score(answers) == Decimal("44.4")
    # a missing key counts as skipped too: eight answered, sum 24: 24 / 40 = 60 %
    eight = dict.fromkeys(outcomes_scoring.ODI_KEYS[:8], 3)
    assert outcomes_scoring.odi_score(eight) == Decimal("60.0")


@pytest.mark.parametrize("bad", [6, -1, 2.5, "3", True])
def test_odi_answer_outside_zero_to_five_names_the_section(bad):
    with pytest.raises(ValidationError) as exc:
        outcomes_scoring.odi_score({**ALL_TWOS, "lifting": bad})
    assert list(exc.value.message_dict) == ["lifting"]


def test_odi_with_nothing_answered_or_unknown_sections_is_refused():
    with pytest.raises(ValidationError) as exc:
        outcomes_scoring.odi_score(dict.fromkeys(outcomes_scoring.ODI_KEYS))
    assert "answers" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcomes_scoring.odi_score({**ALL_TWOS, "dancing": 1})
    assert "dancing" in exc.value.message_dict


def test_psfs_mean_of_three_to_five_activities():
    rows = [{"activity": "Socks", "rating": 3}, {"activity": "Sitting", "rating": 4}]
    assert outcomes_scoring.psfs_score([*rows, {"activity": "Stairs", "rating": 6}]) == Decimal(
        "4.3"
    )
    five = [{"activity": f"a{i}", "rating": i * 2} for i in range(5)]
    assert outcomes_scoring.psfs_score(five) == Decimal("4.0")


@pytest.mark.parametrize(
    "activities, field",
    [
        ([{"activity": "a", "rating": 1}] * 2, "activities"),
        ([{"activity": "a", "rating": 1}] * 6, "activities"),
        ([{"activity": "a", "rating": 11}] * 3, "activities.0.rating"),
        ([{"activity": " ", "rating": 1}] * 3, "activities.0.activity"),
        ("socks", "activities"),
    ],
)
def test_psfs_bad_input_names_the_field(activities, field):
    with pytest.raises(ValidationError) as exc:
        outcomes_scoring.psfs_score(activities)
    assert field in exc.value.message_dict


def test_schedule_baseline_then_weekly_and_every_four_weeks():
    today = date(2026, 11, 25)
    due = {d.measure: d for d in outcomes_scoring.measures_due(today=today, last_answered={})}
    assert all(d.is_due and d.is_baseline for d in due.values())
    last = {"nrs": today - timedelta(days=6), "odi": today - timedelta(days=28), "psfs": today}
    due = {d.measure: d for d in outcomes_scoring.measures_due(today=today, last_answered=last)}
    assert not due["nrs"].is_due and due["nrs"].due_on == today + timedelta(days=1)
    assert due["odi"].is_due and not due["odi"].is_baseline
    assert due["psfs"].due_on == today + timedelta(weeks=4)


@pytest.mark.django_db
def test_recording_stores_the_score_and_bad_input_saves_nothing(patient):
    response = outcome_record(
        patient=patient, measure="odi", answers={"sections": {**ALL_TWOS, "sex_life": None}}
    )
    assert response.score == Decimal("40.0")
    assert response.answers["sections"]["sex_life"] is None
    with pytest.raises(ValidationError):
        outcome_record(patient=patient, measure="odi", answers={"sections": {"sitting": 9}})
    with pytest.raises(ValidationError):
        outcome_record(patient=patient, measure="nrs", answers={"pain": 11})
    with pytest.raises(ValidationError):
        outcome_record(patient=patient, measure="xyz", answers={})
    assert OutcomeResponse.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_chart_marks_changes_of_at_least_the_mcid(patient):
    rows = []
    for days, score in ((56, 50), (28, 42), (0, 38)):
        r = outcome_record(
            patient=patient,
            measure="odi",
            answers={"sections": dict.fromkeys(outcomes_scoring.ODI_KEYS, 0)},
        )
        OutcomeResponse.objects.filter(pk=r.pk).update(
            score=score, local_date=timezone.localdate() - timedelta(days=days)
        )
        rows.append(r)
    responses = list(OutcomeResponse.objects.filter(patient=patient).order_by("local_date"))
    chart = outcome_chart(measure="odi", responses=responses)
    assert [p.meaningful for p in chart.points] == [False, False, True]  # -8, then -12
    assert chart.points[2].improved
    assert "meaningful" in chart.summary and "12" in chart.summary
    assert chart.points[0].x < chart.points[1].x < chart.points[2].x
    assert chart.points[0].y < chart.points[2].y  # higher score is drawn higher up
