"""The patient's Today page: due exercises, recording a completion, finishing a session."""

import functools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.forms.sessions import CompletionForm
from programs.models import PlanItem
from programs.selectors.sessions import TodayItem, session_summary, today_for_patient
from programs.services.plans import plan_mark_changes_seen
from programs.services.sessions import completion_record, session_finish
from therapy.errors import ApplicationError
from therapy.http import AuthenticatedHtmxRequest
from therapy.offline import OFFLINE_COPY_HEADER
from therapy.permissions import require_role

TODAY = "programs/sessions/today.html"
COMPLETION_FIELDS = "programs/sessions/_completion_fields.html"
CARD_FIXED = "programs/sessions/_card_fixed.html"


@functools.lru_cache(maxsize=1024)
def _unbound_completion_fields(prefix: str) -> SafeString:
    # An unbound form's fields depend on nothing but its prefix: render them once per process
    # (they were about a third of Today's template time: 11 pain radios and 4 feel radios per
    # card, each resolving the form's bound fields again).
    return render_to_string(COMPLETION_FIELDS, {"form": CompletionForm(prefix=prefix)})


def completion_fields_html(*, prefix: str, form: CompletionForm | None = None) -> SafeString:
    """The pain and difficulty fields of one card's form: `form`'s, with the patient's answers
    and its errors, or, with no form, an unbound form's."""
    if form is not None or settings.DEBUG:  # DEBUG: a template being edited shows at once
        return render_to_string(COMPLETION_FIELDS, {"form": form or CompletionForm(prefix=prefix)})
    return _unbound_completion_fields(prefix)


@dataclass(frozen=True, slots=True)
class CardContent:
    """Everything a card's fixed part is rendered from, and so its cache key: the exercise's
    words and drawing as the library has them now, the item's dosage, and what the rendering
    itself depends on (language, URL prefix and configuration; static files' URLs change only
    with a deploy, which starts new processes). The fixed parts read nothing else
    (templates/programs/sessions/_card_fixed.html). No patient data: the PT's note, the
    patient's answers and the day's state are filled in on each request."""

    exercise_id: int
    name: str
    steps: tuple[str, ...]
    safety_cues: tuple[str, ...]
    illustration: str
    illustration_alt: str
    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool
    language: str
    script_prefix: str
    urlconf: str

    @classmethod
    def of(cls, item: PlanItem) -> "CardContent":
        exercise = item.exercise
        return cls(
            exercise_id=exercise.pk,
            name=exercise.name,
            steps=tuple(exercise.instruction_steps()),
            safety_cues=tuple(exercise.safety_cue_list()),
            illustration=exercise.illustration,
            illustration_alt=exercise.illustration_alt,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            per_side=item.per_side,
            language=get_language() or "",
            script_prefix=get_script_prefix(),
            urlconf=str(get_urlconf() or settings.ROOT_URLCONF),
        )

    @property
    def is_hold(self) -> bool:
        return self.hold_seconds is not None


@dataclass(frozen=True, slots=True)
class CardFixed:
    """A card's parts that are the same for everyone with the same CardContent."""

    image: SafeString
    image_lazy: SafeString  # for every card but the first: the browser loads it when near
    dose: SafeString
    how_to: SafeString
    timer: SafeString
    form_open: SafeString
    form_close: SafeString


def _card_fixed_render(content: CardContent) -> CardFixed:
    context = {"c": content}
    parts = [
        render_to_string(f"{CARD_FIXED}#{name}", context)
        for name in ("image", "image-lazy", "dose", "how-to", "timer", "form-open", "form-close")
    ]
    return CardFixed(*parts)


# Keyed on the content itself (an edit to the exercise or a new plan version with a different
# dosage is a different key, however it was made: a service, the admin, a data migration), so
# there is nothing to invalidate and nothing time-based. Bounded: a process sees a few hundred
# distinct exercise-and-dosage pairs. In-process, not Redis: a deploy (new templates) starts
# with an empty cache, and a hit costs no round trip.
_card_fixed_cached = functools.lru_cache(maxsize=2048)(_card_fixed_render)


def card_fixed(item: PlanItem, content: CardContent | None = None) -> CardFixed:
    """The fixed parts of `item`'s card: drawing, dose, how-to steps, safety cues, timer, the
    form's opening and its button. `content`: CardContent.of(item), when already made."""
    content = content or CardContent.of(item)
    if settings.DEBUG:  # a template being edited shows at once
        return _card_fixed_render(content)
    return _card_fixed_cached(content)


def _card(row: TodayItem, form: CompletionForm | None = None) -> dict[str, Any]:
    # An unbound card needs no form instance: its fields are rendered once per process, and
    # it has no errors to show.
    prefix = f"ex{row.exercise.pk}"
    content = CardContent.of(row.item)
    return {
        "row": row,
        "form": form,
        "fields": completion_fields_html(prefix=prefix, form=form),
        "content": content,
        "fixed": card_fixed(row.item, content),
        "html": None,  # the whole card, when card_html gave it (the template renders it else)
    }


# Stand-ins for what a card shows of the patient while its shape is rendered for the cache. No
# text a card shows holds a NUL, and escaping and {% spaceless %} leave these as they are.
_NOTE, _PAIN, _FEEL, _CSRF = "\x00note\x00", "\x00pain\x00", "\x00feel\x00", "\x00csrf\x00"


@dataclass(frozen=True, slots=True)
class CardShape:
    """A whole card without the patient's data: its content (CardContent) and the day's state
    as the card's markup branches on it. The PT's note, the answers (pain and how it felt) and
    the CSRF token are filled in on each request."""

    content: CardContent
    done: bool
    catch_up: bool
    noted: bool
    first: bool  # the first card of its list: its drawing loads at once


def _card_shape_render(shape: CardShape) -> str:
    c = shape.content
    completion = SimpleNamespace(pain=_PAIN, get_difficulty_display=lambda: _FEEL)
    row = SimpleNamespace(
        completion=completion if shape.done else None,
        catch_up=shape.catch_up,
        item=SimpleNamespace(note=_NOTE if shape.noted else ""),
        exercise=SimpleNamespace(pk=c.exercise_id, name=c.name),
    )
    card = {
        "row": row,
        "form": None,
        "fields": completion_fields_html(prefix=f"ex{c.exercise_id}"),
        "fixed": _card_fixed_cached(c),
    }
    context = {"card": card, "forloop": {"first": shape.first}, "csrf_token": _CSRF}
    return render_to_string(f"{TODAY}#exercise-card", context)


# As the fixed parts: keyed on everything the markup depends on, so nothing to invalidate.
_card_shape_cached = functools.lru_cache(maxsize=4096)(_card_shape_render)


def card_html(card: dict[str, Any], *, first: bool, csrf_token: str) -> SafeString | None:
    """The whole card (today.html#exercise-card) from its cached shape with the patient's data
    filled in, byte for byte what the template renders; None when the template must render it
    (a form with answers or errors, DEBUG, or a note of blanks, which {% spaceless %} drops)."""
    row: TodayItem = card["row"]
    note = row.item.note
    if card["form"] is not None or settings.DEBUG or (note and not note.strip()):
        return None
    shape = CardShape(
        content=card["content"],
        done=row.completion is not None,
        catch_up=row.catch_up,
        noted=bool(note),
        first=first,
    )
    html = _card_shape_cached(shape).replace(_CSRF, csrf_token)
    if shape.noted:
        html = html.replace(_NOTE, conditional_escape(note))
    if row.completion is not None:
        feel = conditional_escape(row.completion.get_difficulty_display().lower())
        html = html.replace(_PAIN, conditional_escape(localize(row.completion.pain)))
        html = html.replace(_FEEL, feel)
    return mark_safe(html)  # the template's output, the values escaped as it escapes them


def _today_context(
    patient: User, *, bound: CompletionForm | None = None, csrf_token: str | None = None
) -> dict[str, Any]:
    """Today's page context. With `csrf_token`, the unbound cards come whole (card_html)."""
    day = today_for_patient(patient=patient)
    bound_id = int((bound.prefix or "").removeprefix("ex")) if bound else None
    cards = [_card(r, bound if r.exercise.pk == bound_id else None) for r in day.items]
    due = [c for c in cards if c["row"].due or c["row"].completion]
    extra = [c for c in cards if not (c["row"].due or c["row"].completion)]
    if csrf_token is not None:
        for shown in (due, extra):
            for n, card in enumerate(shown):
                card["html"] = card_html(card, first=n == 0, csrf_token=csrf_token)
    return {
        "day": day,
        "due_cards": due,
        "extra_cards": extra,
        "saved_at": timezone.now(),  # named by the offline copy's notice, if it is kept
    }


@login_required
def today(request: AuthenticatedHtmxRequest) -> HttpResponse:
    patient = require_role(request, User.Role.PATIENT)
    context = _today_context(patient, csrf_token=get_token(request))
    plan = context["day"].plan
    # Versions are marked seen together, so a seen current version means nothing is unseen:
    # skip the locking transaction on the ordinary visit.
    unseen = plan is not None and plan.current_version.seen_by_patient_at is None
    # The service worker saving a copy for offline use (templates/sw.js) is not the patient
    # reading the page: what changed stays unseen until they open Today themselves.
    unseen = unseen and OFFLINE_COPY_HEADER not in request.headers
    context["changes"] = plan_mark_changes_seen(patient=patient, plan=plan) if unseen else []
    # The week's figure by the one adherence definition, as Progress and the PT show it,
    # read from the rows Today already loaded.
    context["week"] = context["day"].week
    # read with the plan: the navigation needs no query of its own
    context["nav_unread"] = context["day"].unread_messages
    finished = context["day"].session is not None and context["day"].session.finished_at
    context["summary"] = session_summary(patient=patient, day=context["day"]) if finished else None
    audit_read(request, patient_id=patient.pk, obj=plan or patient)
    return render(request, "programs/sessions/today.html", context)


@login_required
@require_POST
def completion_create(request: AuthenticatedHtmxRequest, exercise_id: int) -> HttpResponse:
    patient = require_role(request, User.Role.PATIENT)
    form = CompletionForm(request.POST, prefix=f"ex{exercise_id}")
    if form.is_valid():
        try:
            completion = completion_record(
                patient=patient,
                exercise_id=exercise_id,
                pain=form.cleaned_data["pain"],
                difficulty=form.cleaned_data["difficulty"],
            )
        except ApplicationError as exc:
            # Only the overall message: the card shows one line, the fields are the form's own.
            form.add_error(None, exc.message)
        else:
            audit_record(
                request_or_actor=request,
                patient_id=patient.pk,
                action=Action.CREATE,
                obj=completion,
            )
    context = _today_context(patient, bound=None if form.is_valid() else form)
    card = next(
        (
            c
            for c in context["due_cards"] + context["extra_cards"]
            if c["row"].exercise.pk == exercise_id
        ),
        None,
    )
    if card is None:  # not in the plan at all: there is no card to show the error on
        messages.error(request, "That exercise is not in your current plan.")
        if request.htmx:
            return HttpResponse("That exercise is not in your current plan.", status=400)
        return redirect("programs:today")
    if request.htmx:  # htmx swaps 2xx only: an invalid form is still a page to show
        response = render(request, "programs/sessions/today.html#exercise-card", {"card": card})
        count = render_to_string(
            "programs/sessions/today.html#done-count", {"day": context["day"], "oob": True}, request
        )
        response.content += count.encode()  # the heading's count, swapped out of band
        return response
    if form.is_valid():
        messages.success(request, f"{card['row'].exercise.name}: marked done. Nice work.")
        return redirect(reverse("programs:today") + f"#exercise-{exercise_id}")
    return render(request, "programs/sessions/today.html", {**context, "changes": []}, status=400)


@login_required
@require_POST
def session_finish_view(request: AuthenticatedHtmxRequest) -> HttpResponse:
    patient = require_role(request, User.Role.PATIENT)
    try:
        session = session_finish(patient=patient)
    except ApplicationError as exc:
        if request.htmx:  # the message on the finish step itself, not a whole page swapped in
            context = {**_today_context(patient), "finish_error": exc.message}
            return render(request, "programs/sessions/today.html#finish", context)
        messages.error(request, exc.message)
        return redirect("programs:today")
    audit_record(request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=session)
    context = _today_context(patient)
    summary = session_summary(patient=patient, day=context["day"])
    if request.htmx:  # the player's finish screen, swapped in place
        return render(
            request,
            "programs/sessions/today.html#finish",
            {**context, "summary": summary, "focus_finish": True},
        )
    days = summary.streak_days
    messages.success(
        request,
        f"Session finished. Well done: {days} day{'s' if days != 1 else ''} in a row. "
        "See how your week is going below.",
    )
    return redirect("programs:progress")
