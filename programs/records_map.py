"""The records map: every model that holds data about a patient, and what we do with it.

One decision per model found in Django's registry with a path (foreign keys, followed
forwards) to a user: is it in the patient's export (which section), and which retention class
erases it. `tests/programs/records/test_records_map.py` walks the registry and fails when a
model is added without an entry here, so the export and the erasure plan cannot drift.

Retention classes (docs/security.md, "Retention and erasure"):
- ACCOUNT: not part of the clinical record; erased CLOSED_ACCOUNT_RETENTION_DAYS after the
  account is closed.
- CLINICAL: the clinical record; erased CLINICAL_RECORD_RETENTION_YEARS after the patient's
  last activity (never while the account is open).
- AUDIT: the audit trail; kept. It holds ids and actions, never the data.
- NOT_PATIENT: data of someone else (a PT, a sponsor, staff) that only points at users.
"""

from dataclasses import dataclass
from enum import StrEnum


class Retention(StrEnum):
    ACCOUNT = "account"
    CLINICAL = "clinical"
    AUDIT = "audit"
    NOT_PATIENT = "not_patient"


@dataclass(frozen=True)
class Record:
    export: str  # the section of the JSON export holding it; "" when not exported
    retention: Retention
    reason: str = ""  # required when not exported, or not erased with the patient


A, C = Retention.ACCOUNT, Retention.CLINICAL

RECORDS_MAP: dict[str, Record] = {
    # --- accounts: the person -------------------------------------------------------------
    "accounts.user": Record(
        "account",
        C,
        "Who the record is about (name, email): kept as long as the clinical record. Closing "
        "makes it unusable at once; the password is removed at the short horizon.",
    ),
    "accounts.patientprofile": Record(
        "profile",
        C,
        "Date of birth, state, time zone identify the patient in the record. The phone "
        "number is contact data and is blanked at the short horizon.",
    ),
    "accounts.careteamlink": Record("care_team", C),
    "accounts.enrolment": Record("enrolment", A),
    "accounts.invitation": Record(
        "",
        A,
        "The invitation a clinic or PT sent: the inviter's note of the person's name and email, "
        "which the account itself holds; erased with the account data.",
    ),
    "accounts.user_groups": Record(
        "", A, "Django permission groups: never used for patients; cleared with the account."
    ),
    "accounts.user_user_permissions": Record(
        "", A, "Django permissions: never used for patients; cleared with the account."
    ),
    "accounts.apitoken": Record(
        "", A, "An API credential: a secret, not information about the patient."
    ),
    "otp_totp.totpdevice": Record(
        "", A, "A second-factor secret: exporting it would hand out the key."
    ),
    "otp_static.staticdevice": Record("", A, "Recovery-code device: a credential."),
    "otp_static.statictoken": Record("", A, "Recovery codes: credentials."),
    "accounts.memberactivitymonth": Record(
        "",
        A,
        "Employer dashboard rollup, counted from the sessions already in the export (`sessions`).",
    ),
    "accounts.memberpaintrend": Record(
        "",
        A,
        "Employer dashboard rollup, computed from the completions already in the export.",
    ),
    # --- accounts: the audit trail and other people's data --------------------------------
    "accounts.auditevent": Record(
        "access_log",
        Retention.AUDIT,
        "The audit trail is append-only and holds ids, never data: it keeps the fact of "
        "erasure. The patient sees who read their record in the export's access log.",
    ),
    "accounts.therapistprofile": Record("", Retention.NOT_PATIENT, "A PT's licence data."),
    "accounts.employeradminprofile": Record(
        "", Retention.NOT_PATIENT, "An employer admin's link to their sponsor."
    ),
    "accounts.rosterimport": Record(
        "", Retention.NOT_PATIENT, "A sponsor's roster file; points at the staff who uploaded it."
    ),
    "accounts.rosterimportrejection": Record(
        "", Retention.NOT_PATIENT, "A rejected line of a sponsor's roster file."
    ),
    "accounts.rosterentry": Record(
        "",
        Retention.NOT_PATIENT,
        "The sponsor's eligibility roster: the sponsor's data, kept and ended by their roster "
        "files. The patient's link to it (Enrolment) is exported and erased.",
    ),
    "accounts.eligibilitycheck": Record(
        "",
        Retention.NOT_PATIENT,
        "An anonymous record that a check happened; nothing links it to the patient.",
    ),
    "accounts.eligibilityreview": Record(
        "",
        Retention.NOT_PATIENT,
        "A staff review of a near roster match, made before any account exists; no link to "
        "the patient's account.",
    ),
    "admin.logentry": Record(
        "", Retention.NOT_PATIENT, "The admin site's log of staff actions (staff users only)."
    ),
    # --- programs: the clinical record ---------------------------------------------------
    "programs.plan": Record("plans", C),
    "programs.planversion": Record("plans", C),
    "programs.planitem": Record("plans", C),
    "programs.exercisesession": Record("sessions", C),
    "programs.completion": Record("sessions", C),
    "programs.outcomeresponse": Record("outcomes", C),
    "programs.intake": Record("intake", C),
    "programs.intakeclearance": Record("intake", C),
    "programs.alert": Record("alerts", C),
    "programs.progressionsuggestion": Record("progression", C),
    "programs.progressionsettings": Record("progression", C),
    "programs.progressnote": Record(
        "notes",
        C,
        "Signed notes and addenda are the clinical record and are exported. A draft is the "
        "PT's unfinished work, not yet part of the record: not exported, erased at the short "
        "horizon.",
    ),
    "programs.progressnoteversion": Record(
        "",
        C,
        "Every saved state of a note, the PT's editing history: the signed text is exported "
        "with the note.",
    ),
    "programs.message": Record("messages", C),
    "programs.visit": Record("visits", C),
    # --- programs: contact and convenience data -------------------------------------------
    "programs.visitreminder": Record("visits", A),
    "programs.remindersettings": Record("reminders", A),
    "programs.reminderschedule": Record("reminders", A),
    "programs.reminderdelivery": Record("reminders", A),
    "programs.pushsubscription": Record("reminders", A),
    "programs.threadreadstate": Record("messages", A),
    "programs.patientsummary": Record(
        "",
        A,
        "The caseload's precomputed figures, recomputed from completions and outcomes that "
        "are in the export.",
    ),
    "programs.visitschedule": Record("", Retention.NOT_PATIENT, "A PT's visit length."),
    "programs.availabilitywindow": Record("", Retention.NOT_PATIENT, "A PT's weekly hours."),
}


def records_of(retention: Retention) -> list[str]:
    return sorted(label for label, record in RECORDS_MAP.items() if record.retention == retention)
