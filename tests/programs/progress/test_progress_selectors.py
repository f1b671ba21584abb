import pytest

from programs.demo import seed_program
from programs.selectors.progress import progress_for_patient
from programs.services.sessions import completion_record


@pytest.mark.django_db
def test_progress_from_three_weeks_of_history(patient, pt):
    seed_program(patient=patient, therapist=pt)
    progress = progress_for_patient(patient=patient)
    assert len(progress.last_four_weeks) == 4
    assert progress.four_week_percent is not None
    assert 40 <= progress.four_week_percent <= 100
    assert progress.pain and all(0 <= p.average <= 10 for p in progress.pain)
    assert progress.sessions[0].local_date < progress.local_date
    assert progress.pain[0].average > progress.pain[-1].average  # the demo patient improves


@pytest.mark.django_db
def test_streak_counts_days_in_a_row(plan, patient, bridge):
    assert progress_for_patient(patient=patient).streak_days == 0
    completion_record(patient=patient, exercise_id=bridge.pk, pain=1, difficulty="about_right")
    assert progress_for_patient(patient=patient).streak_days == 1
