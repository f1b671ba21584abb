"""Every route of the project, found from the URL resolver and the OpenAPI schema, with a rule
for filling each path parameter. A route added later is found here without anyone listing it.

Teaching a new path parameter: add it to PARAMS. A filler receives the cast and the patient
whose data the id must belong to ("owner"), and returns an id of such an object, creating it if
needed. Example for a plan:  "plan_id": lambda cast, owner: PlanFactory(patient=owner).pk
"""

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import EligibilityReview, RosterImport, User
from accounts.services.eligibility import eligibility_check
from programs.models import Alert, Article, Plan, PushSubscription, Visit
from programs.services.notes import note_sign, note_start_draft


@dataclass
class Cast:
    patient: User
    patient2: User
    pt: User
    pt2: User
    employer_admin: User
    staff: User
    made: dict = field(default_factory=dict)  # objects fillers created, by (param, owner id)


Filler = Callable[[Cast, User], object]


def _therapist_of(cast: Cast, owner: User) -> User:
    return cast.pt if owner == cast.patient else cast.pt2


def _visit_of(cast: Cast, owner: User) -> int:
    """A new booked video visit of `owner` with their PT, two days ahead or later."""
    later = Visit.objects.filter(patient=owner).count()
    starts_at = (timezone.now() + timedelta(days=2, hours=later)).replace(
        minute=0, second=0, microsecond=0
    )
    visit = Visit.objects.create(
        patient=owner,
        therapist=_therapist_of(cast, owner),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        room_name=f"matrix-{uuid.uuid4().hex}",
        booked_by=owner,
    )
    return visit.pk


def _exercise_in_plan_of(cast: Cast, owner: User) -> int:
    """An exercise of `owner`'s active plan (the cast gives each patient one)."""
    plan = Plan.objects.get(patient=owner, status=Plan.Status.ACTIVE)
    return plan.current_version.items.order_by("order").first().exercise_id


def _signed_note_of(cast: Cast, owner: User) -> int:
    """A signed SOAP note about `owner` by their PT (a patient reads signed notes only)."""
    therapist = _therapist_of(cast, owner)
    note = note_start_draft(therapist=therapist, patient_id=owner.pk)
    note_sign(
        user=therapist,
        note_id=note.pk,
        subjective="Matrix: better on stairs.",
        assessment="Matrix: improving.",
        plan="Matrix: continue.",
        confirm=True,
    )
    return note.pk


def _suggestion_of(cast: Cast, owner: User) -> int:
    """A pending progression suggestion on `owner`'s plan: its first item, one step up."""
    from programs.models import ProgressionSuggestion

    plan = Plan.objects.get(patient=owner, status=Plan.Status.ACTIVE)
    item = plan.current_version.items.order_by("order").first()
    suggestion, _ = ProgressionSuggestion.objects.get_or_create(
        based_on_version=plan.current_version,
        exercise_id=item.exercise_id,
        direction=ProgressionSuggestion.Direction.ADVANCE,
        defaults={
            "patient": owner,
            "plan": plan,
            "from_sets": item.sets,
            "from_reps": item.reps,
            "from_hold_seconds": item.hold_seconds,
            "to_exercise_id": item.exercise_id,
            "to_sets": item.sets + 1,
            "to_reps": item.reps,
            "to_hold_seconds": item.hold_seconds,
            "reason": "matrix",
            "patient_reason": "matrix",
        },
    )
    return suggestion.pk


def _open_alert_of(cast: Cast, owner: User) -> int:
    alert = Alert.objects.create(
        patient=owner,
        therapist=_therapist_of(cast, owner),
        kind=Alert.Kind.INACTIVE,
        severity=Alert.Severity.ROUTINE,
    )
    return alert.pk


def _roster_entry_of_employer(cast: Cast, owner: User) -> int:
    """A person on the employer admin's sponsor's roster (an employer's data, no health data)."""
    from tests.factories import RosterEntryFactory

    sponsor = cast.employer_admin.employer_profile.sponsor
    return RosterEntryFactory(sponsor=sponsor, first_name="Robin", last_name="Matrix").pk


def _roster_import_of_employer(cast: Cast, owner: User) -> int:
    from django.core.files.base import ContentFile

    roster_import = RosterImport(
        sponsor=cast.employer_admin.employer_profile.sponsor,
        uploaded_by=cast.employer_admin,
        original_name="roster.csv",
        status=RosterImport.Status.PENDING,
    )
    roster_import.file.save("matrix-roster.csv", ContentFile(b"member_id\n"), save=False)
    roster_import.save()
    return roster_import.pk


def _eligibility_review(cast: Cast, owner: User) -> int:
    """A "Do I qualify?" check that matched a roster entry only loosely: staff review it."""
    from tests.factories import RosterEntryFactory

    sponsor = cast.employer_admin.employer_profile.sponsor
    entry = RosterEntryFactory(sponsor=sponsor, first_name="Katherine", last_name="Moss")
    outcome = eligibility_check(
        sponsor=sponsor,
        first_name="Kate",
        last_name="Moss",
        date_of_birth=entry.date_of_birth,
        email="kate@home.example",
    )
    return EligibilityReview.objects.get(pk=outcome.review_id).pk


def _push_subscription_of(cast: Cast, owner: User) -> int:
    """A Web Push device of `owner` (a patient's own; nobody else may see or remove it)."""
    return PushSubscription.objects.create(
        patient=owner,
        endpoint=f"https://fcm.googleapis.com/fcm/send/matrix-{uuid.uuid4().hex}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    ).pk


PARAMS: dict[str, Filler] = {
    "patient_id": lambda cast, owner: owner.pk,
    "subscription_id": _push_subscription_of,
    "visit_id": _visit_of,
    "exercise_id": _exercise_in_plan_of,
    "note_id": _signed_note_of,
    "alert_id": _open_alert_of,
    "suggestion_id": _suggestion_of,
    # A password-reset link is not patient data: a made-up one shows "invalid link". Also the
    # reminders unsubscribe link: a made-up token answers 404 to everyone.
    "uidb64": lambda cast, owner: "MQ",
    "token": lambda cast, owner: "invalid-token",
    # A therapist's own weekly availability window, by position: no patient's data.
    "index": lambda cast, owner: 0,
    # Education articles are the same for every patient.
    "slug": lambda cast, owner: Article.objects.filter(published=True).first().slug,
    # An outcome measure (a questionnaire), the same for everyone.
    "measure": lambda cast, owner: "odi",
    # The employer's roster and its imports, and the staff review queue: no patient's record.
    "entry_id": _roster_entry_of_employer,
    "import_id": _roster_import_of_employer,
    "review_id": _eligibility_review,
}
# Parameters that name no patient's object: the same value is used for everyone.
NOT_PATIENT_OWNED = {
    "uidb64",
    "token",
    "index",
    "slug",
    "measure",
    "entry_id",
    "import_id",
    "review_id",
}
# Objects a request may use up (a cancelled visit cannot be cancelled again): a new one for
# every URL, so each actor's answer does not depend on who went before.
FRESH_EACH_TIME = {"visit_id", "subscription_id"}

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_SCHEMA_PARAM = re.compile(r"{(?P<name>\w+)}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # "/patients/{patient_id}/"
    params: tuple[str, ...]
    is_api: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def patient_owned(self) -> bool:
        return any(p not in NOT_PATIENT_OWNED for p in self.params)


class UnknownParameter(Exception):
    pass


def fill(route: Route, cast: Cast, owner: User) -> str:
    def value(name: str) -> str:
        if name not in PARAMS:
            raise UnknownParameter(
                f"{route.key}: path parameter {name!r} is unknown to the authorization matrix. "
                "Teach it in tests/security/routes.py PARAMS (an id of an object owned by `owner`)."
            )
        cache_key = (name, owner.pk)
        if cache_key not in cast.made or name in FRESH_EACH_TIME:
            cast.made[cache_key] = PARAMS[name](cast, owner)
        return str(cast.made[cache_key])

    return _SCHEMA_PARAM.sub(lambda m: value(m.group("name")), route.template)


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> list[Route]:
    """Every URL pattern outside the API and the admin site (see admin_routes), as GET."""
    routes = []
    for raw in _walk(get_resolver().url_patterns):
        if raw.startswith(("admin/", "api/v1/")):
            continue
        if raw.startswith("^") or "(?P" in raw:
            raise AssertionError(f"regex route {raw!r}: give it a path() route or teach the matrix")
        template = "/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", raw)
        params = tuple(m.group("name") for m in _PARAM.finditer(raw))
        routes.append(Route("GET", template, params, is_api=False))
    return routes


def api_route_paths_from_resolver() -> set[str]:
    return {
        "/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", raw)
        for raw in _walk(get_resolver().url_patterns)
        if raw.startswith("api/v1/")
    }


def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def api_routes(schema: dict | None = None) -> list[Route]:
    """Every operation of the OpenAPI schema."""
    schema = schema or api_schema()
    routes = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                continue
            params = tuple(m.group("name") for m in _SCHEMA_PARAM.finditer(path))
            routes.append(Route(method.upper(), path, params, is_api=True))
    return routes


def admin_routes() -> list[str]:
    """The admin site: its index and every registered model's list and add pages. The admin
    itself lets only active is_staff users in; this proves it for our registrations."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return urls
