"""Today's cards come whole from a cached shape with the patient's data filled in
(programs/views/sessions.py, card_html): the page must be byte for byte what the template
renders card by card, in every state a card can be in, and the cache must hold no patient data."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse

from programs import sessions_schedule
from programs.models import Completion, Plan, PlanItem
from programs.services.plans import ItemSpec, plan_tailor
from programs.services.sessions import completion_record
from programs.views import sessions as views
from tests.conftest import client_for
from tests.programs.history import add_day, local_today, start_plan_on

pytestmark = pytest.mark.django_db

NOTE = 'Knees <apart> & "slow"; it\'s fine'


def _normalized(page: str) -> str:
    # each render masks the CSRF secret afresh, and says when the page was saved
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'value="-"', page)
    page = re.sub(r'<time datetime="[^"]+">', "<time>", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": "-"', page)


def _both(patient, monkeypatch) -> tuple[str, str]:
    client = client_for(patient)
    client.get(reverse("programs:today"))  # the plan's changes are shown once, then seen
    whole = client.get(reverse("programs:today")).content.decode()
    with monkeypatch.context() as m:
        m.setattr(views, "card_html", lambda card, **_: None)  # every card by the template
        by_template = client.get(reverse("programs:today")).content.decode()
    return _normalized(whole), _normalized(by_template)


def _tailor(pt, plan: Plan, change) -> None:
    plan.refresh_from_db()
    specs = [ItemSpec.from_item(i) for i in plan.current_version.items.order_by("order")]
    plan_tailor(
        therapist=pt,
        plan=plan,
        expected_version=plan.current_version.number,
        items=[change(n, s) for n, s in enumerate(specs)],
    )
    plan.refresh_from_db()


def test_every_state_is_what_the_template_renders(patient, plan, pt, monkeypatch):
    # given a plan started last week, a note to escape, a catch-up, one done with answers, and
    # (after Monday) one exercise already done as often as planned this week
    today = local_today(patient)
    start_plan_on(patient, plan, sessions_schedule.week_start(today) - timedelta(days=7))
    _tailor(
        pt,
        plan,
        lambda n, s: replace(s, note=NOTE if n == 1 else "", sessions_per_week=(1, 3, 7, 7)[n % 4]),
    )
    first = plan.current_version.items.order_by("order").first()
    if today.weekday() > 0:
        add_day(patient, plan, sessions_schedule.week_start(today), [2])
    done = plan.current_version.items.order_by("order")[2]
    completion_record(patient=patient, exercise_id=done.exercise_id, pain=7, difficulty="too_hard")
    # when Today is read with whole cards and card by card
    whole, by_template = _both(patient, monkeypatch)
    # then the pages are the same, and show every state
    assert whole == by_template
    assert "Knees &lt;apart&gt; &amp; &quot;slow&quot;; it&#x27;s fine" in whole
    assert "Marked done: pain 7 out of 10, too hard." in whole
    assert 'loading="lazy"' in whole and "\x00" not in whole
    if today.weekday() > 0:
        assert "Not due today" in whole and f'id="exercise-{first.exercise_id}"' in whole
        assert Completion.objects.filter(session__patient=patient).count() == 2


def test_a_note_of_blanks_is_left_to_the_template(patient, plan, pt, monkeypatch):
    PlanItem.objects.filter(version=plan.current_version).update(note="   ")
    whole, by_template = _both(patient, monkeypatch)
    assert whole == by_template


def test_a_bound_form_is_rendered_by_the_template(patient, plan):
    # an invalid answer: the card shows the patient's choice and the error, never a cached copy
    item = plan.current_version.items.order_by("order").first()
    response = client_for(patient).post(
        reverse("programs:completion-create", args=[item.exercise_id]),
        {f"ex{item.exercise_id}-pain": "4"},
    )
    assert response.status_code == 400
    assert 'value="4" checked' in response.content.decode()


def test_the_cached_shape_holds_no_patient_data(patient, plan, pt):
    item = plan.current_version.items.select_related("exercise").order_by("order").first()
    PlanItem.objects.filter(pk=item.pk).update(note="Only for this patient")
    completion_record(patient=patient, exercise_id=item.exercise_id, pain=9, difficulty="too_hard")
    client_for(patient).get(reverse("programs:today"))
    item.refresh_from_db()
    shape = views.CardShape(
        content=views.CardContent.of(item), done=True, catch_up=False, noted=True, first=True
    )
    cached = views._card_shape_cached(shape)
    assert "Only for this patient" not in cached and "pain 9" not in cached
    assert "\x00note\x00" in cached and "pain \x00pain\x00 out of 10, \x00feel\x00." in cached
    assert set(views.CardShape.__dataclass_fields__) == {
        "content",
        "done",
        "catch_up",
        "noted",
        "first",
    }
