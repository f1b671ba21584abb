"""Who may see which patient. Every view and API that touches patient data goes through here.

A patient reaches only their own records, a therapist only the patients on their active
caseload, operations staff everyone (each read is audited), an employer admin no one.
Anything outside that is answered with 404, so that existence does not leak.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import User


def caseload_patient_ids(*, therapist: "User") -> QuerySet:
    from accounts.models import CareTeamLink

    return CareTeamLink.objects.filter(therapist=therapist, ended_at__isnull=True).values(
        "patient_id"
    )


def scope_patient_records[M: Model](
    queryset: QuerySet[M], *, user: "User", field: str = "patient"
) -> QuerySet[M]:
    """Narrow a queryset of patient-owned rows to those `user` may see.

    `field` names the path to the patient's user id: "patient", "plan__patient", or "id"
    for a queryset of patients themselves.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_patient:
        return queryset.filter(**{field: user.pk})
    if user.is_therapist:
        return queryset.filter(**{f"{field}__in": caseload_patient_ids(therapist=user)})
    if user.is_operations_staff:
        return queryset
    return queryset.none()


def get_patient_record_or_404[M: Model](
    queryset: QuerySet[M], *, user: "User", field: str = "patient", **lookup: object
) -> M:
    """Fetch one patient-owned row and check access in the same query; 404 when either fails."""
    try:
        return scope_patient_records(queryset, user=user, field=field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("No such record.") from exc


def require_role(request: HttpRequest, *roles: str) -> "User":
    """The one role check for pages: the signed-in user when their role is one of `roles`,
    else 404 (a page that does not exist for them). Use after `login_required`."""
    user = request.user
    if not user.is_authenticated or getattr(user, "role", None) not in roles:
        raise Http404("No such page.")
    return user


def RoleOr404(*roles: str) -> type[BasePermission]:
    """The one role check for the API: `permission_classes = [RoleOr404(Role.PATIENT)]`.

    Anonymous callers get DRF's 401/403; a signed-in user of another role gets 404, so that
    an endpoint's existence does not leak to roles it is not for."""

    class _RoleOr404(BasePermission):
        def has_permission(self, request: Request, view: object) -> bool:
            user = request.user
            if not user or not user.is_authenticated:
                return False
            if getattr(user, "role", None) not in roles:
                raise NotFound()
            return True

    _RoleOr404.__name__ = _RoleOr404.__qualname__ = f"RoleOr404({', '.join(roles)})"
    return _RoleOr404


# Everyone with a clinical relationship to patient data; employer admins get 404.
CLINICAL_ROLES = ("patient", "therapist", "staff")
IsClinicalUser = RoleOr404(*CLINICAL_ROLES)


class SchemaAccess(BasePermission):
    """The OpenAPI schema and its docs page: open while developing (API_SCHEMA_PUBLIC follows
    DEBUG), signed-in people only in production, so the map of the API is not handed out."""

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(settings.API_SCHEMA_PUBLIC or (request.user and request.user.is_authenticated))
