from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.models import (
    ApiToken,
    AuditEvent,
    CareTeamLink,
    EligibilityReview,
    EmployerAdminProfile,
    Enrolment,
    PatientProfile,
    RosterEntry,
    RosterImport,
    Sponsor,
    TherapistProfile,
    User,
)
from accounts.services.audit import Action, audit_read_many, audit_record

if TYPE_CHECKING:
    # The mixin is always mixed into a ModelAdmin; say so to the checker, so super() calls type.
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class AuditedAdminMixin(_AdminBase):
    """Staff see everything, and every admin read or change of patient data is audited too."""

    def audit_patient_id(self, obj: Model) -> int | None:
        return getattr(obj, "patient_id", None) or getattr(obj, "user_id", None)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            shown = [o for o in changelist.result_list if self.audit_patient_id(o)]
            for obj in shown:
                obj.audit_patient_id = self.audit_patient_id(obj)
            audit_read_many(request, objects=shown, patient_attr="audit_patient_id")
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        patient_id = self.audit_patient_id(obj) if obj is not None else None
        if patient_id and response.status_code in (200, 302):
            changed = request.method == "POST" and response.status_code == 302
            action = Action.UPDATE if changed else Action.READ
            audit_record(request_or_actor=request, patient_id=patient_id, action=action, obj=obj)
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # The confirmation page lists everything that would go with the object (a patient's
        # outcome scores, notes ...): showing it is a read of that patient's record.
        response = super().delete_view(request, object_id, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            patient_id = self.audit_patient_id(obj) if obj is not None else None
            if patient_id:
                audit_record(
                    request_or_actor=request, patient_id=patient_id, action=Action.READ, obj=obj
                )
        return response

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        if patient_id := self.audit_patient_id(obj):
            audit_record(
                request_or_actor=request, patient_id=patient_id, action=Action.DELETE, obj=obj
            )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            if patient_id := self.audit_patient_id(obj):
                audit_record(
                    request_or_actor=request, patient_id=patient_id, action=Action.DELETE, obj=obj
                )
        super().delete_queryset(request, queryset)


class ClinicalReadOnlyAdminMixin(AuditedAdminMixin):
    """Clinical content (plans, notes, outcomes) is written only by the patient's PT through
    the app; in the admin, staff may look (every look audited) and change nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    def audit_patient_id(self, obj: Model) -> int | None:
        return obj.pk if getattr(obj, "is_patient", False) else None

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "role", "password1", "password2"],
            },
        ),
    ]


@admin.register(PatientProfile)
class PatientProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "time_zone", "state", "preferred_language"]
    raw_id_fields = ["user"]


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "license_state", "license_number", "accepting_patients"]
    raw_id_fields = ["user"]


@admin.register(CareTeamLink)
class CareTeamLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["patient", "therapist", "is_primary", "started_at", "ended_at"]
    raw_id_fields = ["patient", "therapist"]


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "requires_member_id", "requires_work_email"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EmployerAdminProfile)
class EmployerAdminProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "sponsor"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes anyway; search and export live at /audit/."""

    list_display = ["at", "actor", "actor_role", "patient_id", "action", "object_type", "object_id"]
    list_filter = ["action", "actor_role"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ["member_id", "first_name", "last_name", "sponsor", "coverage_start", "ended_on"]
    list_filter = ["sponsor", "relationship"]
    search_fields = ["member_id", "last_name_norm", "email"]
    readonly_fields = ["first_name_norm", "last_name_norm", "ended_by_import"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    """Operations can read imports; they are created and applied only through the service."""

    list_display = ["pk", "sponsor", "original_name", "status", "added", "updated", "ended"]
    list_filter = ["status", "sponsor"]
    readonly_fields = [f.name for f in RosterImport._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(EligibilityReview)
class EligibilityReviewAdmin(admin.ModelAdmin):
    list_display = ["pk", "entered_first_name", "entered_last_name", "reason", "status"]
    list_filter = ["status", "reason"]
    readonly_fields = [f.name for f in EligibilityReview._meta.fields]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Also the recovery path when someone claimed another person's coverage: staff confirm
    who the real person is, delete the enrolment here (audited), and the real person enrols."""

    list_display = ["user", "roster_entry", "enrolled_at"]
    raw_id_fields = ["user", "roster_entry"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Tokens can be seen (never their key: only a digest is stored) and deleted to revoke
    them; nobody mints a token here, so staff cannot act as another person through the API."""

    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at", "last_used_at"]
    exclude = ["digest", "auth_hash"]

    def audit_patient_id(self, obj: Model) -> int | None:
        user = getattr(obj, "user", None)
        return user.pk if user is not None and user.is_patient else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
