import pytest

from programs.models import Exercise, ProgramTemplate
from programs.services.plans import plan_assign_template


@pytest.fixture
def psoas(db: None) -> ProgramTemplate:
    return ProgramTemplate.objects.get(slug="psoas")


@pytest.fixture
def plan(patient, pt, psoas):
    return plan_assign_template(therapist=pt, patient=patient, template=psoas)


@pytest.fixture
def bridge(db: None) -> Exercise:
    return Exercise.objects.get(slug="glute-bridge")
