"""The admin site and clinical content (issue 13, Medium): staff could edit a plan version's
summary and author with no audit row, and plan reads and the user-delete page (which lists a
patient's outcome scores) were not audited. Now clinical models are read-only there, and every
look is audited."""

import pytest

from accounts.models import AuditEvent
from programs.models import PlanVersion
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_staff(staff):
    staff.is_superuser = True  # the demo's staff account: every admin permission
    staff.save(update_fields=["is_superuser"])
    return staff


def test_staff_cannot_edit_a_plan_version_in_the_admin(admin_staff, plan, pt):
    client = client_for(admin_staff)
    version = plan.current_version
    url = f"/admin/programs/planversion/{version.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"plan": plan.pk, "number": version.number, "created_by": admin_staff.pk})
    version.refresh_from_db()
    assert version.created_by_id == pt.pk
    assert client.get("/admin/programs/planversion/add/").status_code == 403
    assert client.get(f"/admin/programs/plan/{plan.pk}/delete/").status_code == 403
    assert PlanVersion.objects.filter(created_by=admin_staff).count() == 0


def test_every_admin_look_at_clinical_data_is_audited(admin_staff, plan, patient):
    client = client_for(admin_staff)
    version = plan.current_version
    for url, obj_type in (
        ("/admin/programs/planversion/", "programs.planversion"),
        (f"/admin/programs/planversion/{version.pk}/change/", "programs.planversion"),
        (f"/admin/programs/plan/{plan.pk}/change/", "programs.plan"),
        (f"/admin/accounts/user/{patient.pk}/delete/", "accounts.user"),
    ):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200, url
        rows = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
        assert any(
            r.action == "read" and r.patient_id == patient.pk and r.object_type == obj_type
            for r in rows
        ), url
