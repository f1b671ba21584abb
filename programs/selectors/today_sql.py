"""The Today page's two reads as plain SQL, put together once per process.

Today is the page patients open most, and the ORM spent as long building and compiling its
three queries on every request as the database spent running them (docs/operations.md,
"Where Today's time goes"). So the statements are written once per process, from the models'
own column lists (a new field is read with no change here), with the navigation's unread count
as the ORM's own expression (programs.selectors.messaging) compiled once for a stand-in
patient. Rows become model instances as the ORM makes them: each field's database converters,
then Model.from_db. The rules stay where they were: which plan is active, which completions
fall in the week and how they count are read by programs.selectors.sessions and
programs.selectors.progress from what these return.

Nothing is cached but SQL text and converters: no patient's rows outlive their request.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, Subquery
from django.db.models.expressions import Col

from accounts.models import PatientProfile, User
from programs.models import Completion, Exercise, ExerciseSession, Plan, PlanItem, PlanVersion
from programs.selectors.messaging import unread_count_expression

# Compiled SQL holds this id where the patient's goes: no account has a negative id.
_STAND_IN = -7_310_419

type Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class _Columns[M: Model]:
    """One model's concrete columns under a table alias: their SQL, and an instance from them."""

    model: type[M]
    alias: str

    @functools.cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self.model._meta.concrete_fields)

    @functools.cached_property
    def attnames(self) -> tuple[str, ...]:
        return tuple(f.attname for f in self.fields)

    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(cast(str, f.column))}" for f in self.fields)

    @functools.cached_property
    def _converters(self) -> dict[int, tuple[list[Converter], Col]]:
        # What the ORM applies to a value read from the database (SQLCompiler.apply_converters):
        # on PostgreSQL next to nothing, on SQLite dates, times and booleans from text and ints.
        out = {}
        for n, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if converters:
                out[n] = (converters, col)
        return out

    def _convert(self, n: int, value: Any) -> Any:
        converters, col = self._converters.get(n, ((), None))
        for converter in converters:
            value = converter(value, col, connection)
        return value

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {name: n for n, name in enumerate(self.attnames)}

    def value(self, row: Sequence[Any], start: int, attname: str) -> Any:
        """One field's value, from the row where this model's columns begin at `start`."""
        n = self._index[attname]
        return self._convert(n, row[start + n])

    def build(self, row: Sequence[Any], start: int) -> M:
        """The instance, from the row where this model's columns begin at `start`."""
        values = row[start : start + len(self.fields)]
        if self._converters:  # none on PostgreSQL for these models
            values = tuple(self._convert(n, v) for n, v in enumerate(values))
        return self.model.from_db(connection.alias, self.attnames, values)


_PROFILE = _Columns(PatientProfile, "pp")
_PLAN = _Columns(Plan, "p")
_VERSION = _Columns(PlanVersion, "v")
_ITEM = _Columns(PlanItem, "i")
_EXERCISE = _Columns(Exercise, "e")
_COMPLETION = _Columns(Completion, "c")
_SESSION = _Columns(ExerciseSession, "s")


@functools.cache
def _unread_sql(vendor: str, role: str, is_active: bool) -> tuple[str, tuple[Any, ...]]:
    """The navigation's unread count (unread_count_expression, the rule the tab bar uses on
    every page) as SQL, with _STAND_IN where the user's id goes. It depends on the user only
    through their id, role and active flag, so one compilation serves every patient."""
    stand_in = User(pk=_STAND_IN, role=role, is_active=is_active)
    expression = unread_count_expression(user=stand_in)
    if not isinstance(expression, Subquery):  # a role that has no messages: the constant 0
        return "0", ()
    sql, params = expression.query.sql_with_params()
    return f"({sql})", tuple(params)


@functools.cache
def _plan_sql(vendor: str, role: str, is_active: bool) -> tuple[str, tuple[Any, ...]]:
    """The statement and its parameters, with _STAND_IN where the patient's id goes."""
    quote = connection.ops.quote_name
    unread, unread_params = _unread_sql(vendor, role, is_active)
    sql = (
        f"SELECT {_PROFILE.sql()}, {_PLAN.sql()}, {_VERSION.sql()}, {unread}, "
        f"{_ITEM.sql()}, {_EXERCISE.sql()} "
        "FROM accounts_user u "
        "LEFT JOIN accounts_patientprofile pp ON pp.user_id = u.id "
        # one active plan per patient at most (the plan_one_active_per_patient constraint)
        "LEFT JOIN programs_plan p ON p.patient_id = u.id AND p.status = %s "
        "LEFT JOIN programs_planversion v ON v.id = p.current_version_id "
        "LEFT JOIN programs_planitem i ON i.version_id = v.id "
        "LEFT JOIN programs_exercise e ON e.id = i.exercise_id "
        f"WHERE u.id = %s ORDER BY i.{quote('order')}, i.id"
    )
    return sql, (*unread_params, Plan.Status.ACTIVE.value, _STAND_IN)


@functools.cache
def _week_sql(vendor: str) -> str:
    return (
        f"SELECT {_COMPLETION.sql()}, {_SESSION.sql()}, e.regression_id, e.progression_id "
        "FROM programs_completion c "
        "JOIN programs_exercisesession s ON s.id = c.session_id "
        "JOIN programs_exercise e ON e.id = c.exercise_id "
        "WHERE s.patient_id = %s AND s.local_date >= %s AND s.local_date <= %s "
        "ORDER BY c.completed_at, c.id"
    )


class TodayPlan(NamedTuple):
    """The active plan with its current version, or None; the current version's items with
    their exercises, in order; the navigation's count of the patient's unread messages."""

    plan: Plan | None
    items: list[PlanItem]
    unread_messages: int


def today_plan_read(*, patient: User) -> TodayPlan:
    """The patient's active plan as the Today page reads it, in one statement: the plan and
    its current version, the patient's profile (put onto `patient` when not loaded yet), the
    navigation's unread count, and the version's items with their exercises (not the
    variants' rows: their ids are on the exercise)."""
    sql, stand_in_params = _plan_sql(connection.vendor, patient.role, patient.is_active)
    params = [patient.pk if p == _STAND_IN else p for p in stand_in_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first = rows[0]  # the user's row is there, with or without a plan
    profile = None if first[0] is None else _PROFILE.build(first, 0)
    if profile is not None and not User.patient_profile.is_cached(patient):
        patient.patient_profile = profile
    at = len(_PROFILE.fields) + len(_PLAN.fields) + len(_VERSION.fields)
    unread = first[at]
    at += 1
    if first[len(_PROFILE.fields)] is None:  # no active plan
        return TodayPlan(plan=None, items=[], unread_messages=unread)
    plan = _PLAN.build(first, len(_PROFILE.fields))
    at_version = len(_PROFILE.fields) + len(_PLAN.fields)
    version = None if first[at_version] is None else _VERSION.build(first, at_version)
    Plan.current_version.field.set_cached_value(plan, version)
    plan.patient = patient
    items = []
    exercise_field = PlanItem.exercise.field
    for row in rows:
        if row[at] is None:  # a version with no items
            continue
        item = _ITEM.build(row, at)
        exercise_field.set_cached_value(item, _EXERCISE.build(row, at + len(_ITEM.fields)))
        items.append(item)
    return TodayPlan(plan=plan, items=items, unread_messages=unread)


@dataclass(frozen=True, slots=True)
class WeekCompletion:
    """A completion of the week as the Today page reads it: its exercise, that exercise's
    easier and harder variants, and its session's local day. The model instances (the
    completion with its session) are built only when asked for: the page shows today's."""

    exercise_id: int
    regression_id: int | None
    progression_id: int | None
    local_date: date
    row: tuple[Any, ...]

    def session(self) -> ExerciseSession:
        return _SESSION.build(self.row, len(_COMPLETION.fields))

    def completion(self) -> Completion:
        """The completion, with its session loaded."""
        completion = _COMPLETION.build(self.row, 0)
        Completion.session.field.set_cached_value(completion, self.session())
        return completion


def week_completions_read(*, patient: User, first: date, last: date) -> list[WeekCompletion]:
    """The patient's completions on their local days from `first` to `last`, in the order
    they were made."""
    with connection.cursor() as cursor:
        cursor.execute(_week_sql(connection.vendor), [patient.pk, first, last])
        rows = cursor.fetchall()
    session_at = len(_COMPLETION.fields)
    variants_at = session_at + len(_SESSION.fields)
    return [
        WeekCompletion(
            exercise_id=_COMPLETION.value(row, 0, "exercise_id"),
            regression_id=row[variants_at],
            progression_id=row[variants_at + 1],
            local_date=_SESSION.value(row, session_at, "local_date"),
            row=row,
        )
        for row in rows
    ]
