from django.db.models import QuerySet

from accounts.models import CareTeamLink, User
from therapy.permissions import get_patient_record_or_404, scope_patient_records


def patient_list_for_user(*, user: User) -> QuerySet[User]:
    """The patients `user` may see, with what a list needs already joined."""
    patients = User.objects.filter(role=User.Role.PATIENT).select_related("patient_profile")
    return scope_patient_records(patients, user=user, field="id").order_by(
        "last_name", "first_name", "id"
    )


def patient_get_for_user(*, user: User, patient_id: int) -> User:
    patients = User.objects.filter(role=User.Role.PATIENT).select_related("patient_profile")
    return get_patient_record_or_404(patients, user=user, field="id", id=patient_id)


def primary_therapist_for(*, patient: User) -> User | None:
    link = (
        CareTeamLink.objects.filter(patient=patient, is_primary=True, ended_at__isnull=True)
        .select_related("therapist")
        .first()
    )
    return link.therapist if link else None
