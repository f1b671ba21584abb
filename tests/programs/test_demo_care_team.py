import pytest
from django.core.management import call_command

from accounts.models import User
from programs.models import Message, VisitSchedule
from programs.selectors.messaging import unread_count_for_user
from programs.selectors.visits import open_slots_for_therapist


@pytest.mark.django_db
def test_seed_demo_publishes_availability_and_a_first_message_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    patient = User.objects.get(email="patient@demo.test")
    pt = User.objects.get(email="pt@demo.test")
    assert Message.objects.filter(patient=patient).count() == 1
    assert unread_count_for_user(user=patient) == 1
    assert unread_count_for_user(user=pt) == 0
    assert VisitSchedule.objects.count() == 2
    assert open_slots_for_therapist(therapist=pt, patient=patient)
