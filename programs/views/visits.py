"""Pages of video visits: the patient books and manages theirs, the PT publishes availability."""

from collections.abc import Callable

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import primary_therapist_for
from accounts.services.audit import Action, audit_read_many, audit_record
from programs.forms.visits import SlotForm, SlotGroup, VisitLengthForm, WindowForm
from programs.models import Visit, Weekday
from programs.selectors import visits as selectors
from programs.services import visits as services
from programs.visits_slots import BOOKING_HORIZON_DAYS, WeeklyWindow
from therapy.errors import ApplicationError, form_add_error
from therapy.permissions import require_role

# Visits are between a patient and their PT; anyone else gets 404.
VISIT_ROLES = (User.Role.PATIENT, User.Role.THERAPIST)


def _slot_groups(*, user: User, patient: User, therapist: User | None) -> list[SlotGroup]:
    if therapist is None:
        return []
    slots = selectors.open_slots_for_therapist(therapist=therapist, patient=patient)
    return selectors.slots_by_local_day(
        slots=slots, time_zone=selectors.viewer_time_zone(user=user)
    )


@login_required
def visits_home(
    request: HttpRequest,
    *,
    book_form: SlotForm | None = None,
    window_form: WindowForm | None = None,
    length_form: VisitLengthForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = require_role(request, *VISIT_ROLES)
    upcoming = list(selectors.visit_list_upcoming(user=user))
    recent = list(selectors.visit_list_recent(user=user))
    audit_read_many(request, objects=upcoming + recent)
    context: dict[str, object] = {
        "upcoming": upcoming,
        "recent": recent,
        "viewer_zone": selectors.viewer_time_zone(user=user),
        "horizon_days": BOOKING_HORIZON_DAYS,
        "now": timezone.now(),
    }
    if user.is_patient:
        therapist = primary_therapist_for(patient=user)
        groups = _slot_groups(user=user, patient=user, therapist=therapist)
        context |= {
            "therapist": therapist,
            "book_form": book_form or SlotForm(slot_groups=groups),
            "has_slots": bool(groups),
        }
        return render(request, "programs/visits/patient.html", context, status=status)
    minutes, windows = services.availability_windows(therapist=user)
    context |= {
        "visit_minutes": minutes,
        "windows": [
            {"index": i, "weekday": Weekday(w.weekday).label, "window": w}
            for i, w in enumerate(windows)
        ],
        "window_form": window_form or WindowForm(),
        "length_form": length_form or VisitLengthForm(initial={"visit_minutes": minutes}),
        "therapist_zone": selectors.therapist_time_zone(therapist=user),
    }
    return render(request, "programs/visits/therapist.html", context, status=status)


@login_required
@require_POST
def visit_book(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    groups = _slot_groups(user=user, patient=user, therapist=primary_therapist_for(patient=user))
    form = SlotForm(request.POST, slot_groups=groups)
    if form.is_valid():
        try:
            visit = services.visit_book(
                patient=user, booked_by=user, starts_at=form.cleaned_data["starts_at"]
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.CREATE, obj=visit
            )
            flash.success(
                request,
                "Your visit is booked. The join link is below, and a calendar invitation is on "
                "its way by email.",
            )
            return redirect("programs:visits")
    return visits_home(request, book_form=form, status=400)


def _visit_change(
    request: HttpRequest, *, visit_id: int, change: Callable[..., Visit], done: str
) -> Visit:
    """Cancel or complete one of the user's visits: the service's refusal becomes a flash."""
    user = require_role(request, *VISIT_ROLES)
    visit = selectors.visit_get_for_user(user=user, visit_id=visit_id)
    try:
        change(visit=visit, by=user)
    except ApplicationError as exc:
        flash.error(request, exc.message)
    else:
        audit_record(
            request_or_actor=request, patient_id=visit.patient_id, action=Action.UPDATE, obj=visit
        )
        flash.success(request, done)
    return visit


@login_required
def visit_join(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The link calendar invitations carry: only a signed-in participant is sent on to the
    room, and only while the visit is booked (the room's address never goes by email)."""
    user = require_role(request, *VISIT_ROLES)
    visit = selectors.visit_get_for_user(user=user, visit_id=visit_id)
    audit_read_many(request, objects=[visit])
    if visit.status != Visit.Status.BOOKED:
        flash.info(request, f"This visit is {visit.get_status_display().lower()}.")
        return redirect(f"{reverse('programs:visits')}#visit-{visit.pk}")
    return redirect(visit.join_url)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    _visit_change(
        request, visit_id=visit_id, change=services.visit_cancel, done="The visit is cancelled."
    )
    return redirect("programs:visits")


@login_required
def visit_reschedule(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = require_role(request, *VISIT_ROLES)
    visit = selectors.visit_get_for_user(user=user, visit_id=visit_id)
    groups = _slot_groups(user=user, patient=visit.patient, therapist=visit.therapist)
    form = SlotForm(request.POST or None, slot_groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.visit_reschedule(
                visit=visit, by=user, starts_at=form.cleaned_data["starts_at"]
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=new.patient_id, action=Action.CREATE, obj=new
            )
            flash.success(request, "The visit is moved to the new time.")
            return redirect("programs:visits")
    return render(
        request,
        "programs/visits/reschedule.html",
        {
            "visit": visit,
            "form": form,
            "has_slots": bool(groups),
            "viewer_zone": selectors.viewer_time_zone(user=user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def visit_complete(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit_change(
        request,
        visit_id=visit_id,
        change=services.visit_mark_completed,
        done="The visit is marked as completed.",
    )
    if request.POST.get("back_to") == "patient":
        return redirect("patient-detail", visit.patient_id)
    return redirect("programs:visits")


@login_required
@require_POST
def availability_length(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    form = VisitLengthForm(request.POST)
    if form.is_valid():
        _, windows = services.availability_windows(therapist=user)
        try:
            services.availability_set(
                therapist=user, visit_minutes=form.cleaned_data["visit_minutes"], windows=windows
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            flash.success(request, "Visit length saved.")
            return redirect("programs:visits")
    return visits_home(request, length_form=form, status=400)


@login_required
@require_POST
def availability_window_add(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    form = WindowForm(request.POST)
    if form.is_valid():
        minutes, windows = services.availability_windows(therapist=user)
        new = WeeklyWindow(**form.cleaned_data)
        try:
            services.availability_set(
                therapist=user, visit_minutes=minutes, windows=[*windows, new]
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            flash.success(request, "Availability window added.")
            return redirect("programs:visits")
    return visits_home(request, window_form=form, status=400)


@login_required
@require_POST
def availability_window_remove(request: HttpRequest, index: int) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    minutes, windows = services.availability_windows(therapist=user)
    if not 0 <= index < len(windows):
        raise Http404("No such window.")
    services.availability_set(
        therapist=user, visit_minutes=minutes, windows=windows[:index] + windows[index + 1 :]
    )
    flash.success(request, "Availability window removed.")
    return redirect("programs:visits")
