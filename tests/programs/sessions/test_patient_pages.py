"""Today, progress and the articles, through the real views."""

import pytest
from django.urls import reverse

from programs.models import Completion, ExerciseSession, PlanVersion
from programs.services.plans import ItemSpec, plan_tailor
from programs.services.sessions import completion_record
from tests.conftest import client_for

TODAY = "/today/"


def _post_done(client, exercise_id, pain="3", difficulty="about_right", **headers):
    return client.post(
        f"/today/done/{exercise_id}/",
        {f"ex{exercise_id}-pain": pain, f"ex{exercise_id}-difficulty": difficulty},
        **headers,
    )


@pytest.mark.django_db
def test_home_sends_a_patient_to_today(patient):
    response = client_for(patient).get("/")
    assert response.status_code == 302
    assert response["Location"] == TODAY


@pytest.mark.django_db
def test_today_shows_the_plan_with_illustrations_steps_and_cues(plan, patient, bridge):
    # given the PT raised the bridge and left a note
    specs = [
        ItemSpec(**{**ItemSpec.from_item(i).__dict__, "sets": 3, "reps": 12, "note": "Slowly!"})
        if i.exercise_id == bridge.pk
        else ItemSpec.from_item(i)
        for i in plan.current_version.items.order_by("order")
    ]
    plan_tailor(
        therapist=plan.current_version.created_by, plan=plan, expected_version=1, items=specs
    )
    # when the patient opens Today
    page = client_for(patient).get(TODAY).content.decode()
    # then
    assert "3 x 12" in page
    assert "Slowly!" in page
    assert 'src="/static/img/exercises/' in page
    assert bridge.illustration_alt in page
    assert bridge.instruction_steps()[0] in page
    assert bridge.safety_cue_list()[0] in page
    assert "What changed in your program" in page
    assert "Glute bridge: now 3 x 12" in page
    assert 'href="/learn/psoas/"' in page
    assert "data-hold-timer" in page  # the held stretches get a timer
    # the change message is shown once
    assert "What changed in your program" not in client_for(patient).get(TODAY).content.decode()
    assert not PlanVersion.objects.filter(plan=plan, seen_by_patient_at__isnull=True).exists()


@pytest.mark.django_db
def test_today_without_a_plan_says_so(patient):
    page = client_for(patient).get(TODAY)
    assert page.status_code == 200
    assert "has not set up your program yet" in page.content.decode()


@pytest.mark.django_db
def test_mark_done_without_javascript_redirects_back_with_the_completion(plan, patient, bridge):
    client = client_for(patient)
    response = _post_done(client, bridge.pk, pain="3", difficulty="too_easy")
    assert response.status_code == 302
    assert response["Location"] == f"{TODAY}#exercise-{bridge.pk}"
    completion = Completion.objects.get(exercise=bridge)
    assert (completion.pain, completion.difficulty) == (3, "too_easy")
    page = client.get(TODAY).content.decode()
    assert "Marked done: pain 3 out of 10, too easy." in page


@pytest.mark.django_db
def test_mark_done_with_htmx_returns_only_the_card(plan, patient, bridge):
    response = _post_done(client_for(patient), bridge.pk, pain="4", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(
        f'<li class="card exercise-card is-done" id="exercise-{bridge.pk}"'
    )
    assert "<html" not in body
    assert "Marked done: pain 4 out of 10" in body
    assert '<span class="count" id="done-count" hx-swap-oob="true">(1 done)</span>' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pain", "difficulty", "message"),
    [
        ("11", "about_right", "Pain must be from 0 to 10."),
        ("-1", "about_right", "Pain must be from 0 to 10."),
        ("", "about_right", "Give your pain from 0 to 10."),
        ("lots", "about_right", "Pain must be a whole number from 0 to 10."),
        ("3", "", "Choose how it felt."),
        ("3", "exhausting", "Select a valid choice."),
    ],
)
def test_bad_completion_input_shows_a_message_and_saves_nothing(
    plan, patient, bridge, pain, difficulty, message
):
    client = client_for(patient)
    response = _post_done(client, bridge.pk, pain=pain, difficulty=difficulty)
    assert response.status_code == 400
    assert message in response.content.decode()
    htmx = _post_done(client, bridge.pk, pain=pain, difficulty=difficulty, HTTP_HX_REQUEST="true")
    assert message in htmx.content.decode()
    assert not Completion.objects.exists()
    assert not ExerciseSession.objects.exists()


@pytest.mark.django_db
def test_completing_an_exercise_not_in_the_plan_is_refused(plan, patient):
    from programs.models import Exercise

    outside = Exercise.objects.exclude(
        pk__in=plan.current_version.items.values("exercise_id")
    ).first()
    client = client_for(patient)
    response = _post_done(client, outside.pk)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "That exercise is not in your current plan." in follow
    assert _post_done(client, outside.pk, HTTP_HX_REQUEST="true").status_code == 400
    assert not Completion.objects.exists()


@pytest.mark.django_db
def test_an_exercise_done_twice_in_a_day_is_refused(plan, patient, bridge):
    client = client_for(patient)
    _post_done(client, bridge.pk)
    response = _post_done(client, bridge.pk)
    # the card now shows it done; the second post is answered on the page, nothing doubled
    assert Completion.objects.filter(exercise=bridge).count() == 1
    assert response.status_code == 400
    assert "already marked done today" in response.content.decode()


@pytest.mark.django_db
def test_finish_session(plan, patient, bridge):
    client = client_for(patient)
    refused = client.post("/today/finish/")
    assert refused.status_code == 302
    assert "Mark at least one exercise done" in client.get(TODAY).content.decode()
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    response = client.post("/today/finish/")
    assert response["Location"] == "/progress/"
    assert ExerciseSession.objects.get().finished_at is not None
    page = client.get(TODAY).content.decode()
    assert "Session done. Well done!" in page and "day in a row" in page


@pytest.mark.django_db
def test_progress_page_draws_pain_chart_with_a_text_alternative(patient, pt):
    from programs.demo import seed_program

    seed_program(patient=patient, therapist=pt)
    page = client_for(patient).get("/progress/").content.decode()
    assert '<svg viewBox="0 0 400 220" role="img"' in page
    assert '<desc id="pain-desc">Average pain on' in page
    assert "Pain by day as a table" in page
    assert "days in a row" in page or "day in a row" in page
    assert "Sessions" in page


@pytest.mark.django_db
def test_progress_page_without_history(patient):
    page = client_for(patient).get("/progress/").content.decode()
    assert "a chart of your pain over time appears here" in page


@pytest.mark.django_db
def test_article_has_the_notice_and_headings(patient):
    page = client_for(patient).get("/learn/psoas/").content.decode()
    assert "Educational, not medical advice." in page
    assert "<h2>" in page
    assert client_for(None).get("/learn/psoas/").status_code == 200  # education is public
    assert client_for(None).get("/learn/no-such-article/").status_code == 404
    assert "/learn/psoas/" in client_for(None).get("/learn/").content.decode()


@pytest.mark.django_db
def test_patient_pages_refuse_everyone_but_patients(pt, staff, employer_admin, bridge):
    for user in (pt, staff, employer_admin):
        client = client_for(user)
        assert client.get(TODAY).status_code == 404
        assert client.get("/progress/").status_code == 404
        assert _post_done(client, bridge.pk).status_code == 404
        assert client.post("/today/finish/").status_code == 404
    anonymous = client_for(None)
    for url in (TODAY, "/progress/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert _post_done(anonymous, bridge.pk).status_code == 302
    assert not Completion.objects.exists()


@pytest.mark.django_db
def test_a_patient_only_ever_reaches_their_own_plan(plan, patient, patient2, pt2, psoas, bridge):
    # given patient2 has a plan of their own
    from programs.services.plans import plan_assign_template

    plan_assign_template(therapist=pt2, patient=patient2, template=psoas)
    # when patient2 marks the bridge done, it lands in patient2's session only
    _post_done(client_for(patient2), bridge.pk)
    assert ExerciseSession.objects.get().patient == patient2
    assert "Marked done" not in client_for(patient).get(TODAY).content.decode()
    # and no patient reaches any PT page of another patient, or their own
    for url in (
        f"/patients/{patient.pk}/plan/",
        f"/patients/{patient.pk}/plan/versions/",
        f"/patients/{patient2.pk}/plan/",
    ):
        assert client_for(patient2).get(url).status_code == 404
    assert client_for(patient2).post(f"/patients/{patient.pk}/plan/assign/").status_code == 404


@pytest.mark.django_db
def test_a_change_after_the_last_visit_is_shown_next_time(plan, patient, pt, bridge):
    client = client_for(patient)
    assert "started you on" in client.get(TODAY).content.decode()  # version 1, seen now
    assert "What changed" not in client.get(TODAY).content.decode()
    specs = [
        ItemSpec(**{**ItemSpec.from_item(i).__dict__, "sets": 3})
        if i.exercise_id == bridge.pk
        else ItemSpec.from_item(i)
        for i in plan.current_version.items.order_by("order")
    ]
    plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    page = client.get(TODAY).content.decode()
    assert "Glute bridge: now 3 x 10" in page
    assert "started you on" not in page
