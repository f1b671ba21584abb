from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import (
    CareTeamLink,
    EligibilityReview,
    EmployerAdminProfile,
    Enrolment,
    Intake,
    PatientProfile,
    RosterEntry,
    RosterImport,
    Sponsor,
    TherapistProfile,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
class PatientProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "state", "preferred_language"]
    raw_id_fields = ["user"]


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "license_state", "license_number", "accepting_patients"]
    raw_id_fields = ["user"]


@admin.register(CareTeamLink)
class CareTeamLinkAdmin(admin.ModelAdmin):
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
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "roster_entry", "enrolled_at"]
    raw_id_fields = ["user", "roster_entry"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["patient", "pain_now", "has_red_flags", "submitted_at"]
    list_filter = ["has_red_flags"]
    raw_id_fields = ["patient"]
