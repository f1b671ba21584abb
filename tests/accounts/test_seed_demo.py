import pytest
from django.core.management import CommandError, call_command

from accounts.models import CareTeamLink, User


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_cast_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = User.objects.count(), CareTeamLink.objects.count()
    call_command("seed_demo")
    assert (User.objects.count(), CareTeamLink.objects.count()) == first
    out = capsys.readouterr().out
    for email in [
        "patient@demo.test",
        "patient2@demo.test",
        "pt@demo.test",
        "pt2@demo.test",
        "employer@demo.test",
        "staff@demo.test",
    ]:
        assert email in out
        assert User.objects.get(email=email).check_password("demo-pass-1234")
    patient = User.objects.get(email="patient@demo.test")
    assert patient.care_team_links.get(ended_at=None).therapist.email == "pt@demo.test"


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="patient@demo.test").exists()
