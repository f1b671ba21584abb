"""A patient with at least one row of every kind the records map lists for patients, built
through the services where one exists, so the export, FHIR and erasure tests see real data."""

import uuid
from datetime import time, timedelta

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    AuditEvent,
    Enrolment,
    Invitation,
    MemberActivityMonth,
    MemberPainTrend,
    User,
)
from accounts.services.audit import Action, audit_record
from accounts.services.security import api_token_create
from programs import outcomes_scoring
from programs.models import (
    PatientSummary,
    ProgramTemplate,
    ProgressionSuggestion,
    PushSubscription,
    ReminderDelivery,
    Visit,
    VisitReminder,
)
from programs.records_map import RECORDS_MAP, Retention
from programs.services.alerts import alert_raise
from programs.services.intake import intake_clear, intake_submit
from programs.services.messaging import message_post
from programs.services.notes import note_add_addendum, note_sign, note_start_draft
from programs.services.outcomes import outcome_record
from programs.services.plans import ItemSpec, plan_assign_template, plan_tailor
from programs.services.progression import progression_settings_set
from programs.services.reminders import ReminderChoices, reminder_settings_update
from programs.services.sessions import completion_record
from tests.factories import RosterEntryFactory, SponsorFactory


def build_full_record(*, patient: User, pt: User) -> None:
    """Everything: plan with two versions, a completion, NRS/ODI/PSFS, intake with a red flag
    (an alert), a signed note with an addendum and a draft, messages both ways, a visit with
    reminders, reminder settings and a delivery, credentials, enrolment and rollups."""
    now = timezone.now()
    plan = plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    specs = [ItemSpec.from_item(i) for i in plan.current_version.items.order_by("order")]
    first = specs[0]
    specs[0] = ItemSpec(
        exercise_id=first.exercise_id,
        sets=3,
        reps=first.reps,
        hold_seconds=first.hold_seconds,
        per_side=first.per_side,
        sessions_per_week=5,
        note="Slowly, please.",
    )
    plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    plan.refresh_from_db()
    item = plan.current_version.items.order_by("order").first()
    completion_record(patient=patient, exercise_id=item.exercise_id, pain=3, difficulty="too_hard")
    outcome_record(patient=patient, measure="nrs", answers={"pain": 4})
    outcome_record(
        patient=patient,
        measure="odi",
        answers={"sections": {section.key: 2 for section in outcomes_scoring.ODI_SECTIONS}},
    )
    outcome_record(
        patient=patient,
        measure="psfs",
        answers={
            "activities": [
                {"activity": "Climbing stairs", "rating": 6},
                {"activity": "Getting out of a car", "rating": 4},
                {"activity": "Walking 30 minutes", "rating": 5},
            ]
        },
    )
    intake_submit(
        patient=patient,
        pain_areas=["front_of_hip"],
        pain_now=5,
        goals="Walk the dog again",
        hard_activities=["stairs"],
        red_flags={"history_of_cancer": True},
    )
    intake_clear(therapist=pt, patient_id=patient.pk, reason="Treated in 2015; cleared by her GP.")
    alert_raise(patient_id=patient.pk, kind="pain_up", severity="routine", details={"pain": [3, 5]})
    # a progression suggestion on the current version (docs/progression.md) and the switch
    ProgressionSuggestion.objects.create(
        patient=patient,
        plan=plan,
        based_on_version=plan.current_version,
        exercise_id=item.exercise_id,
        direction="regress",
        from_sets=item.sets,
        from_reps=item.reps,
        from_hold_seconds=item.hold_seconds,
        to_exercise_id=item.exercise_id,
        to_sets=item.sets - 1,
        to_reps=item.reps,
        to_hold_seconds=item.hold_seconds,
        reason="felt too hard 1 of 1 times",
        patient_reason="you told us this exercise felt too hard, so we are making it easier",
        inputs={"readings": 1, "too_hard": 1},
    )
    progression_settings_set(therapist=pt, patient=patient, auto_apply_advances=False)
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_sign(
        user=pt,
        note_id=note.pk,
        confirm=True,
        subjective="Hip better.",
        assessment="Improving.",
        plan="Keep going.",
    )
    note_add_addendum(user=pt, note_id=note.pk, text="Pain was 3, not 4.")
    note_start_draft(therapist=pt, patient_id=patient.pk)  # an unsigned draft
    message_post(sender=patient, patient=patient, body="Is it normal to feel sore?")
    message_post(sender=pt, patient=patient, body="A little, yes. Ease off if it is sharp.")
    starts = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    visit = Visit.objects.create(
        patient=patient,
        therapist=pt,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        room_name=f"record-{uuid.uuid4().hex}",
        booked_by=patient,
    )
    for recipient in (patient, pt):
        VisitReminder.objects.create(
            visit=visit, recipient=recipient, lead="24h", due_at=starts - timedelta(days=1)
        )
    reminder_settings_update(
        patient=patient,
        choices=ReminderChoices(
            enabled=True,
            weekdays=[0, 1, 2, 3, 4],
            times=[time(8, 0)],
            time_zone="America/New_York",
            channel="email",
        ),
    )
    ReminderDelivery.objects.create(
        patient=patient,
        slot_at=now - timedelta(days=1),
        local_date=timezone.localdate() - timedelta(days=1),
        local_time=time(8, 0),
        status=ReminderDelivery.Status.SENT,
        channel="email",
    )
    PushSubscription.objects.create(
        patient=patient,
        endpoint=f"https://fcm.googleapis.com/fcm/send/record-{patient.pk}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )
    PatientSummary.objects.get_or_create(
        patient=patient, defaults={"local_date": timezone.localdate()}
    )
    api_token_create(user=patient)
    TOTPDevice.objects.create(user=patient, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=patient, name="backup")
    StaticToken.objects.create(device=static, token="abcd1234")
    sponsor = SponsorFactory()
    Enrolment.objects.create(user=patient, roster_entry=RosterEntryFactory(sponsor=sponsor))
    Invitation.objects.create(
        email=patient.email,
        first_name=patient.first_name,
        last_name=patient.last_name,
        invited_by=pt,
        therapist=pt,
        expires_at=now + timedelta(days=7),
        accepted_at=now,
        accepted_user=patient,
    )
    MemberActivityMonth.objects.create(
        patient=patient, sponsor=sponsor, month=timezone.localdate().replace(day=1), sessions=1
    )
    MemberPainTrend.objects.create(
        patient=patient,
        sponsor=sponsor,
        first_day=timezone.localdate(),
        first_pain_sum=3,
        first_pain_count=1,
        last_day=timezone.localdate(),
        last_pain_sum=3,
        last_pain_count=1,
    )
    patient.groups.add(Group.objects.get_or_create(name="never-for-patients")[0])
    patient.user_permissions.add(Permission.objects.first())
    audit_record(request_or_actor=pt, patient_id=patient.pk, action=Action.READ, obj=patient)


def _paths_to_user(model: type[Model], depth: int = 3) -> list[str]:
    """Every lookup path (forward foreign keys) from `model` to accounts.User."""
    user = apps.get_model("accounts", "User")
    if model is user:
        return ["pk"]
    paths: list[str] = []
    for f in model._meta.get_fields():
        if not ((f.many_to_one or f.one_to_one) and f.concrete and f.related_model):
            continue
        if f.related_model is user:
            paths.append(f.name)
        elif depth > 1 and f.related_model is not model:
            paths += [f"{f.name}__{p}" for p in _paths_to_user(f.related_model, depth - 1)]
    return paths


def rows_of(label: str, patient_id: int) -> QuerySet:
    """The rows of model `label` that reach this patient by any foreign-key path."""
    model = apps.get_model(label)
    query = Q()
    for path in _paths_to_user(model):
        query |= Q(**{path: patient_id})
    return model._default_manager.filter(query)


def patient_labels(*retentions: Retention) -> list[str]:
    return sorted(label for label, r in RECORDS_MAP.items() if r.retention in retentions)


def audit_rows(patient_id: int) -> QuerySet:
    return AuditEvent.objects.filter(patient_id=patient_id)
