from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from accounts.admin import AuditedAdminMixin, ClinicalReadOnlyAdminMixin
from programs.models import (
    Article,
    Exercise,
    Intake,
    Plan,
    PlanItem,
    PlanVersion,
    ProgramTemplate,
    ProgramTemplateItem,
)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "body_region", "difficulty", "is_active"]
    list_filter = ["body_region", "difficulty", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["regression", "progression"]


class ProgramTemplateItemInline(admin.TabularInline):
    model = ProgramTemplateItem
    extra = 0


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "condition"]
    inlines = [ProgramTemplateItemInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "published", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:  # versions never change
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ClinicalReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ["plan"]

    def audit_patient_id(self, obj: Model) -> int | None:
        return obj.plan.patient_id  # type: ignore[attr-defined]

    list_display = ["plan", "number", "created_by", "created_at"]
    inlines = [PlanItemInline]
    raw_id_fields = ["plan", "created_by"]


@admin.register(Plan)
class PlanAdmin(ClinicalReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["patient", "status", "created_at"]
    raw_id_fields = ["patient", "current_version"]
    # Read-only (the mixin): a program starts only through plan_assign_template, which holds
    # the intake gate.


@admin.register(Intake)
class IntakeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["patient", "pain_now", "red_flag_tier", "has_red_flags", "submitted_at"]
    list_filter = ["red_flag_tier", "has_red_flags"]
    raw_id_fields = ["patient"]

    # The patient's own answers: never written by staff (a made-up intake would open the gate).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
