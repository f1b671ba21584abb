from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import (
    CareTeamLink,
    EmployerAdminProfile,
    PatientProfile,
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
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EmployerAdminProfile)
class EmployerAdminProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "sponsor"]
    raw_id_fields = ["user"]
