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
    # staff roles have the published demo authenticator; patients have none
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_mfa = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__email", flat=True))
    assert with_mfa == {"pt@demo.test", "pt2@demo.test", "employer@demo.test", "staff@demo.test"}
    assert "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in out
    call_command("demo_codes")
    assert "pt@demo.test" in capsys.readouterr().out
    patient = User.objects.get(email="patient@demo.test")
    assert patient.care_team_links.get(ended_at=None).therapist.email == "pt@demo.test"


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="patient@demo.test").exists()


@pytest.mark.django_db
def test_seed_demo_loads_acme_roster_once_and_enrols_the_demo_patients(settings):
    from accounts.models import Enrolment, RosterEntry, RosterImport

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    [history] = RosterImport.objects.filter(sponsor__slug="acme")
    assert history.status == "applied"
    assert history.added == RosterEntry.objects.filter(sponsor__slug="acme").count() >= 30
    enrolled = Enrolment.objects.values_list("user__email", flat=True)
    assert sorted(enrolled) == ["patient2@demo.test", "patient@demo.test"]


@pytest.mark.django_db
def test_import_roster_command_uses_the_same_path(tmp_path, capsys):
    from accounts.models import RosterImport
    from tests.factories import SponsorFactory, roster_csv, roster_person

    SponsorFactory(slug="globex")
    path = tmp_path / "globex.csv"
    path.write_bytes(roster_csv([roster_person(i) for i in range(4)]))
    call_command("import_roster", "globex", str(path), "--now")
    assert "added 4, updated 0, ended 0, unchanged 0, rejected 0" in capsys.readouterr().out
    assert RosterImport.objects.get().source == "command"
    with pytest.raises(CommandError, match="No sponsor"):
        call_command("import_roster", "nope", str(path))
