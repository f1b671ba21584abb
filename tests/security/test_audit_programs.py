"""The programs' reads and writes of health data land in the audit trail."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services.audit import Action
from programs.models import ProgramTemplate
from programs.services.plans import plan_assign_template
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _trail(actor, patient) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(actor_id=actor.pk, patient_id=patient.pk)
        .order_by("id")
        .values_list("action", "object_type")
    )


def test_a_therapist_reading_and_changing_a_plan_is_recorded(pt, patient):
    # given
    plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    client = client_for(pt)
    # when
    client.get(reverse("programs:plan-edit", args=[patient.pk]))
    client.get(f"/api/v1/patients/{patient.pk}/plan/versions/")
    client.post(
        f"/api/v1/patients/{patient.pk}/plan/assign/",
        {"template": "psoas", "replace": True},  # over the plan above: a new version
        content_type="application/json",
    )
    client.get(reverse("programs:thread", args=[patient.pk]))
    # then
    assert _trail(pt, patient) == [
        (Action.READ, "programs.plan"),
        (Action.READ, "programs.plan"),
        (Action.CREATE, "programs.plan"),
        (Action.READ, "accounts.user"),
    ]


def test_a_patients_writes_are_recorded(pt, patient):
    # given
    plan = plan_assign_template(
        therapist=pt,
        patient=patient,
        template=ProgramTemplate.objects.get(slug="psoas"),
    )
    client = client_for(patient)
    item = plan.current_version.items.order_by("order").first()
    # when
    client.post(
        "/api/v1/today/completions/",
        {"exercise": item.exercise_id, "pain": 3, "difficulty": "about_right"},
        content_type="application/json",
    )
    client.post(reverse("programs:thread", args=[patient.pk]), {"body": "Sore today"})
    client.get(reverse("programs:progress"))
    # then
    assert _trail(patient, patient) == [
        (Action.CREATE, "programs.completion"),
        (Action.CREATE, "programs.message"),
        (Action.READ, "accounts.user"),
    ]
