"""Outcome measures against their sources' worked examples (docs/outcomes.md), and the defects
issue 11 listed: one ODI section scoring 100, PSFS follow-ups with other activities, the
inverted PSFS chart text, absolute-only MCIDs, unrounded percentages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs import outcomes_scoring
from programs.models import OutcomeResponse
from programs.selectors.outcomes import outcome_chart, outcome_overview
from programs.services.outcomes import outcome_record
from tests.conftest import client_for

KEYS = outcomes_scoring.ODI_KEYS


def _odi(values: list[int | None]) -> dict[str, int | None]:
    return dict(zip(KEYS, values, strict=True))


# --- ODI: Fairbank & Pynsent 2000 ---------------------------------------------------------
# (answers, score, band): the manual's examples ("16 / 50 x 100 = 32 %"; one section skipped:
# "16 / 45 x 100 = 35.5 %", which we round half up to one decimal: 35.6) and each band edge.
ODI_EXAMPLES = [
    (_odi([2, 2, 2, 2, 2, 2, 2, 2, 0, 0]), "32.0", "Moderate disability"),
    (_odi([2, 2, 2, 2, 2, 2, 2, 2, 0, None]), "35.6", "Moderate disability"),
    (_odi([1] * 10), "20.0", "Minimal disability"),
    (_odi([1] * 9 + [2]), "22.0", "Moderate disability"),
    (_odi([2] * 10), "40.0", "Moderate disability"),
    (_odi([3] * 10), "60.0", "Severe disability"),
    (_odi([4] * 10), "80.0", "Very severe disability"),
    (_odi([5] * 9 + [4]), "98.0", "Extreme limitation"),
    (_odi([3] * 8 + [None, None]), "60.0", "Severe disability"),
]


@pytest.mark.parametrize("answers, score, band", ODI_EXAMPLES)
def test_odi_worked_examples_and_bands(answers, score, band):
    assert outcomes_scoring.odi_score(answers) == Decimal(score)
    assert outcomes_scoring.odi_band(Decimal(score)).label == band


@pytest.mark.parametrize("answered", [1, 5, 7])
def test_odi_with_fewer_than_8_sections_is_refused_naming_the_rule(answered):
    answers = _odi([5] * answered + [None] * (10 - answered))
    with pytest.raises(ValidationError) as exc:
        outcomes_scoring.odi_score(answers)
    [message] = exc.value.message_dict["answers"]
    assert f"at least 8 of the 10 sections (you answered {answered})" in message


@pytest.mark.django_db
def test_one_odi_section_no_longer_scores_100_nor_makes_a_meaningful_change(patient):
    # defect: {pain_intensity: 5} scored 100.0, then a full ODI read "60 points lower (better);
    # a meaningful change"
    with pytest.raises(ValidationError):
        outcome_record(patient=patient, measure="odi", answers={"sections": {"pain_intensity": 5}})
    assert not OutcomeResponse.objects.filter(patient=patient).exists()


@pytest.mark.django_db
def test_odi_api_refuses_too_few_sections_with_a_400_naming_the_rule(patient):
    response = client_for(patient).post(
        "/api/v1/outcomes/",
        {"measure": "odi", "answers": {"sections": {"pain_intensity": 5}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "at least 8 of the 10 sections" in response.json()["errors"]["answers"][0]
    assert not OutcomeResponse.objects.filter(patient=patient).exists()


# --- MCIDs: "points or 30 %" (Ostelo 2008), PSFS 2 / 3 points (Stratford 1995) -----------
# (measure, baseline, latest, meaningful): a change is meaningful when it meets the points or
# the share of the baseline the source gives, whichever is met first.
MCID_EXAMPLES = [
    ("nrs", "6", "4", True),  # 2 points
    ("nrs", "6", "5", False),  # 1 point, 17 %
    ("nrs", "3", "2", True),  # 1 point but 33 % of the baseline
    ("nrs", "9", "7", True),
    ("odi", "40", "30", True),  # 10 points (and 25 %)
    ("odi", "40", "31", False),  # 9 points, 22.5 %
    ("odi", "20", "14", True),  # 6 points = 30 % of 20
    ("odi", "24", "18", False),  # 6 points, 25 % of 24
    ("odi", "30", "40", True),  # 10 points worse
    ("psfs", "3", "5", True),  # mean: 2 points
    ("psfs", "3", "4.9", False),
    ("psfs_activity", "3", "6", True),  # one activity: 3 points
    ("psfs_activity", "3", "5", False),
]


@pytest.mark.parametrize("measure, baseline, latest, meaningful", MCID_EXAMPLES)
def test_mcid_worked_examples(measure, baseline, latest, meaningful):
    mcid = outcomes_scoring.MCIDS[measure]
    change = Decimal(latest) - Decimal(baseline)
    assert mcid.is_met(baseline=Decimal(baseline), change=change) is meaningful


def test_mcid_text_names_points_and_share():
    assert str(outcomes_scoring.MCIDS["nrs"]) == "2 points or 30 %"
    assert str(outcomes_scoring.MCIDS["odi"]) == "10 points or 30 %"
    assert str(outcomes_scoring.MCIDS["psfs"]) == "2 points"
    assert str(outcomes_scoring.MCIDS["psfs_activity"]) == "3 points"


# --- PSFS: follow-ups re-rate the baseline activities ---------------------------------------
BASELINE = [
    {"activity": "Putting on socks", "rating": 3},
    {"activity": "Sitting through a meeting", "rating": 4},
    {"activity": "Climbing stairs", "rating": 6},
]


def _psfs(ratings: list[int], names: list[str] | None = None) -> dict:
    names = names or [a["activity"] for a in BASELINE]
    return {
        "activities": [{"activity": n, "rating": r} for n, r in zip(names, ratings, strict=True)]
    }


@pytest.mark.django_db
def test_psfs_follow_up_with_other_activities_is_refused(patient):
    outcome_record(patient=patient, measure="psfs", answers={"activities": BASELINE})
    other = ["Putting on socks", "Gardening", "Climbing stairs"]
    with pytest.raises(ValidationError) as exc:
        outcome_record(patient=patient, measure="psfs", answers=_psfs([5, 5, 5], other))
    assert "same activities" in exc.value.message_dict["activities"][0]
    # the same list, spelled with other case and spaces, is the same list
    same = [" putting on SOCKS", "Sitting through a meeting", "climbing  stairs"]
    outcome_record(patient=patient, measure="psfs", answers=_psfs([5, 6, 8], same))
    assert OutcomeResponse.objects.filter(patient=patient, measure="psfs").count() == 2


@pytest.mark.django_db
def test_psfs_api_refuses_other_activities_with_a_400(patient):
    outcome_record(patient=patient, measure="psfs", answers={"activities": BASELINE})
    body = {"measure": "psfs", "answers": _psfs([5, 5, 5], ["a", "b", "c"])}
    response = client_for(patient).post("/api/v1/outcomes/", body, content_type="application/json")
    assert response.status_code == 400
    assert "Putting on socks" in response.json()["errors"]["activities"][0]
    assert OutcomeResponse.objects.filter(patient=patient, measure="psfs").count() == 1


@pytest.mark.django_db
def test_psfs_follow_up_form_is_prefilled_with_the_baseline_activities(patient):
    url = reverse("programs:outcome-answer", args=["psfs"])
    assert 'value="Putting on socks"' not in client_for(patient).get(url).content.decode()
    outcome_record(patient=patient, measure="psfs", answers={"activities": BASELINE})
    page = client_for(patient).get(url).content.decode()
    for a in BASELINE:
        assert f'value="{a["activity"]}"' in page
    assert "readonly" in page and "activity_3" not in page  # the same three rows, no more
    # a tampered post with another activity is refused with a form message, nothing saved
    data = {"activity_0": "Gardening", "rating_0": "5", "activity_1": BASELINE[1]["activity"]}
    data |= {"rating_1": "5", "activity_2": BASELINE[2]["activity"], "rating_2": "5"}
    response = client_for(patient).post(url, data)
    assert response.status_code == 200 and "same activities" in response.content.decode()
    assert OutcomeResponse.objects.filter(patient=patient, measure="psfs").count() == 1


@pytest.mark.django_db
def test_psfs_chart_reads_higher_as_better_with_the_single_activity_mcid(patient):
    # defect: 3.0 -> 6.0 read "3.0 points higher (worse)"
    first = outcome_record(patient=patient, measure="psfs", answers=_psfs([2, 3, 4]))
    later = outcome_record(patient=patient, measure="psfs", answers=_psfs([5, 6, 7]))
    OutcomeResponse.objects.filter(pk=first.pk).update(
        local_date=later.local_date - timedelta(days=28)
    )
    chart = outcome_chart(
        measure="psfs", responses=list(OutcomeResponse.objects.filter(patient=patient))
    )
    assert "3.0 points higher (better); a meaningful change" in chart.summary
    assert "worse" not in chart.summary
    assert chart.points[-1].improved and chart.points[-1].meaningful
    assert [a.meaningful for a in chart.activities] == [True, True, True]
    assert chart.activities[0].text == (
        "Putting on socks: 2/10 to 5/10, 3 points higher (better); a meaningful change"
    )


@pytest.mark.django_db
def test_psfs_chart_text_is_right_on_the_patient_and_pt_pages(patient, pt):
    first = outcome_record(patient=patient, measure="psfs", answers=_psfs([2, 3, 4]))
    later = outcome_record(patient=patient, measure="psfs", answers=_psfs([5, 6, 7]))
    OutcomeResponse.objects.filter(pk=first.pk).update(
        local_date=later.local_date - timedelta(days=28)
    )
    pages = [
        client_for(patient).get(reverse("programs:my-outcomes")),
        client_for(pt).get(reverse("programs:patient-outcomes", args=[patient.pk])),
        client_for(pt).get(reverse("patient-detail", args=[patient.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "3.0 points higher (better); a meaningful change" in html  # text and <title>
        assert "higher (worse)" not in html
        assert "higher is better" in html
        assert "chart-mcid chart-better" in html


@pytest.mark.django_db
def test_odi_chart_text_and_band(patient):
    first = outcome_record(patient=patient, measure="odi", answers={"sections": _odi([3] * 10)})
    later = outcome_record(patient=patient, measure="odi", answers={"sections": _odi([2] * 10)})
    OutcomeResponse.objects.filter(pk=first.pk).update(
        local_date=later.local_date - timedelta(days=28)
    )
    overview = outcome_overview(user=patient, patient_id=patient.pk)
    summary = overview.odi_chart.summary
    assert "from 60.0% to 40.0% (Moderate disability), 20.0 points lower (better)" in summary
    assert "a meaningful change (the threshold is 10 points or 30 %; lower is better)" in summary


@pytest.mark.django_db
def test_caseload_odi_is_a_rounded_percentage(patient, pt):
    # defect: the caseload showed "24.4000000000000%"
    # nine sections, sum 11: 11 / 45 = 24.4 %
    outcome_record(patient=patient, measure="odi", answers={"sections": _odi([1] * 8 + [3, None])})
    html = client_for(pt).get("/caseload/").content.decode()
    assert 'data-label="Latest ODI">24%</td>' in html
    assert "24.4000" not in html
