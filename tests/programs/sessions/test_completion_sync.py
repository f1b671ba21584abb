"""Completions sent later from a device that was offline: idempotent on the browser's client
id (never a second row, per patient), counted on the day they were done, and checked."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from programs import sessions_schedule
from programs.models import Completion
from programs.services.plans import plan_assign_template
from programs.services.sessions import completion_sync
from tests.programs.test_api import api
from therapy.errors import ApplicationError


def _sync(patient, exercise, client_id, **extra):
    return completion_sync(
        patient=patient,
        exercise_id=exercise.pk,
        pain=extra.pop("pain", 2),
        difficulty=extra.pop("difficulty", "about_right"),
        client_id=client_id,
        **extra,
    )


@pytest.mark.django_db
def test_the_same_client_id_twice_records_one_completion(plan, patient, bridge):
    # given
    client_id = uuid.uuid4()
    first = _sync(patient, bridge, client_id)
    # when: sent again, even with other answers
    again = _sync(patient, bridge, client_id, pain=9, difficulty="too_hard")
    # then
    assert first.created and not again.created
    assert again.completion.pk == first.completion.pk
    assert Completion.objects.count() == 1
    assert Completion.objects.get().pain == 2


@pytest.mark.django_db
def test_another_patients_client_id_is_theirs_alone(plan, patient, patient2, pt, psoas, bridge):
    # given: patient 2 sends an id that patient 1 used
    plan_assign_template(therapist=pt, patient=patient2, template=psoas)
    client_id = uuid.uuid4()
    mine = _sync(patient, bridge, client_id, pain=7)
    # when
    theirs = _sync(patient2, bridge, client_id, pain=1)
    # then: their own new completion, nothing of patient 1's comes back
    assert theirs.created and theirs.completion.pk != mine.completion.pk
    assert theirs.completion.session.patient_id == patient2.pk
    assert theirs.completion.pain == 1
    assert Completion.objects.filter(session__patient=patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_racing_itself_records_one_and_answers_both(plan, patient, bridge):
    # given: the first send is inside its transaction, not yet committed, when the second comes
    client_id = uuid.uuid4()
    first_done = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = _sync(patient, bridge, client_id)
                first_done.set()
                threading.Event().wait(0.8)  # hold the transaction open while the second waits
        finally:
            first_done.set()
            connection.close()

    def second() -> None:
        first_done.wait(10)
        try:
            results["second"] = _sync(patient, bridge, client_id)
        except ApplicationError as exc:
            results["second"] = exc
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    # then: one row, and the second send got the original back rather than an error
    assert Completion.objects.count() == 1
    assert not isinstance(results["second"], ApplicationError), results["second"]
    assert results["second"].completion.pk == results["first"].completion.pk
    assert not results["second"].created


@pytest.mark.django_db
def test_a_completion_done_yesterday_offline_counts_for_yesterday(plan, patient, bridge):
    # given
    done_at = timezone.now() - timedelta(days=1)
    # when
    result = _sync(patient, bridge, uuid.uuid4(), completed_at=done_at)
    # then
    zone = patient.patient_profile.time_zone
    assert result.completion.completed_at == done_at
    assert result.completion.session.local_date == sessions_schedule.local_today(zone, done_at)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(hours=1), "cannot be in the future"),
        (-timedelta(days=8), "older than 7 days"),
    ],
)
def test_a_completion_time_out_of_range_is_refused(plan, patient, bridge, shift, message):
    with pytest.raises(ApplicationError) as caught:
        _sync(patient, bridge, uuid.uuid4(), completed_at=timezone.now() + shift)
    assert message in caught.value.errors["completed_at"][0]
    assert not Completion.objects.exists()


# --- the API -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_201_then_200_with_the_original(plan, patient, bridge):
    client = api(patient)
    body = {"exercise": bridge.pk, "pain": 3, "difficulty": "about_right"}
    client_id = str(uuid.uuid4())
    done_at = (timezone.now() - timedelta(minutes=30)).isoformat()
    payload = {**body, "client_id": client_id, "completed_at": done_at}
    first = client.post("/api/v1/today/completions/", payload, format="json")
    again = client.post("/api/v1/today/completions/", payload, format="json")
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["client_id"] == client_id
    assert Completion.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"client_id": "not-a-uuid"}, "client_id", "valid UUID"),
        ({"completed_at": "yesterday"}, "completed_at", "Datetime has wrong format"),
        ({"completed_at": "FUTURE"}, "completed_at", "cannot be in the future"),
        ({"completed_at": "OLD"}, "completed_at", "older than 7 days"),
    ],
)
def test_the_api_refuses_bad_offline_fields_with_a_clear_400(
    plan, patient, bridge, extra, field, message
):
    values = {
        "FUTURE": (timezone.now() + timedelta(days=1)).isoformat(),
        "OLD": (timezone.now() - timedelta(days=8)).isoformat(),
    }
    extra = {k: values.get(v, v) for k, v in extra.items()}
    payload = {"exercise": bridge.pk, "pain": 3, "difficulty": "about_right", **extra}
    response = api(patient).post("/api/v1/today/completions/", payload, format="json")
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]
    assert not Completion.objects.exists()
