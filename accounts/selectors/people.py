from django.db.models import QuerySet

from accounts.models import CareTeamLink, User
from therapy.permissions import get_patient_record_or_404, scope_patient_records


def patient_list_for_user(*, user: User) -> QuerySet[User]:
    """The patients `user` may see, with what a list needs already joined."""
    patients = User.objects.filter(role=User.Role.PATIENT).select_related("patient_profile")
    return scope_patient_records(patients, user=user, field="id").order_by(
        "last_name", "first_name", "id"
    )


_LIST_FIELDS = ("id", "email", "first_name", "last_name", "role")
_PROFILE_FIELDS = ("date_of_birth", "phone", "state", "time_zone", "preferred_language")


def patient_rows_for_user(*, user: User) -> list[dict]:
    """The patient list as plain rows, in the API's shape (a patient_profile object, or None
    when there is no profile): one query, no model instances, for the list API's hot path."""
    rows = patient_list_for_user(user=user).values(
        *_LIST_FIELDS, "patient_profile__id", *(f"patient_profile__{f}" for f in _PROFILE_FIELDS)
    )
    out = []
    for row in rows:
        item = {f: row[f] for f in _LIST_FIELDS}
        item["patient_profile"] = (
            None
            if row["patient_profile__id"] is None
            else {f: row[f"patient_profile__{f}"] for f in _PROFILE_FIELDS}
        )
        out.append(item)
    return out


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
