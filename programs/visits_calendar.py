"""A video visit as a calendar invitation (iCalendar, RFC 5545 with iTIP methods, RFC 5546).

One event per visit series: a visit and the visits it was rescheduled into share one UID (the
first visit's), and each move raises SEQUENCE, so a calendar updates the entry instead of adding
a second one; a cancellation is METHOD:CANCEL with a higher SEQUENCE still.

Privacy: the invitation lands in calendars we do not control (and that sync to phones and
employers' servers), so it says only "Video visit with your physical therapist" (or "with a
patient"): no names of conditions, no notes, no patient name. Its link is our own visit page,
which needs sign-in and answers 404 to anyone but the two participants; never the video room's
address, which would let anyone holding the link into the room.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import MIMEPart
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from programs.models import Visit

PRODID = "-//Psoas Care//Video visits//EN"


@dataclass(frozen=True)
class VisitSeries:
    """Where a visit sits in its chain of reschedules: the calendar UID and this visit's
    SEQUENCE."""

    uid: str
    sequence: int


def visit_series(*, visit: Visit) -> VisitSeries:
    """Walk back through `rescheduled_from` to the first visit (a query per move; moves are
    few)."""
    root_id, hops, previous_id = visit.pk, 0, visit.rescheduled_from_id
    while previous_id is not None:
        root_id, hops = previous_id, hops + 1
        previous_id = (
            Visit.objects.filter(pk=previous_id).values_list("rescheduled_from_id", flat=True).get()
        )
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return VisitSeries(uid=f"visit-{root_id}@{host}", sequence=hops)


def visit_page_url(*, visit: Visit) -> str:
    """Our sign-in-protected page that sends a participant on to the room."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("programs:visit-join", args=[visit.pk])


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def visit_invitation(
    *,
    visit: Visit,
    recipient_email: str,
    recipient_name: str,
    for_patient: bool,
    cancel: bool,
    now: datetime | None = None,
) -> bytes:
    """The .ics body for one participant: METHOD:REQUEST for a booking or a move,
    METHOD:CANCEL for a cancellation. Times are in UTC; calendars show them in the reader's
    zone."""
    series = visit_series(visit=visit)
    link = visit_page_url(visit=visit)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", series.uid)
    # A cancellation outranks every version of the booking it cancels.
    event.add("sequence", series.sequence + (1 if cancel else 0))
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", visit.starts_at.astimezone(UTC))
    event.add("dtend", visit.ends_at.astimezone(UTC))
    event.add(
        "summary",
        "Video visit with your physical therapist" if for_patient else "Video visit with a patient",
    )
    event.add(
        "description",
        f"Join from {settings.SITE_NAME} when it is time (you will be asked to sign in): {link}",
    )
    event.add("location", link)
    event.add("url", link)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], settings.SITE_NAME))
    # Only the recipient is listed: the other participant's address stays out of this calendar.
    event.add(
        "attendee",
        _address(
            recipient_email,
            recipient_name,
            ROLE="REQ-PARTICIPANT",
            PARTSTAT="ACCEPTED",
            RSVP="FALSE",
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()


def invitation_part(*, ics: bytes, cancel: bool) -> MIMEPart:
    """The invitation as an email attachment calendar apps recognise (text/calendar with the
    iTIP method as a parameter)."""
    part = MIMEPart()
    part.set_content(
        ics.decode(),
        subtype="calendar",
        params={"method": "CANCEL" if cancel else "REQUEST"},
        disposition="attachment",
        filename="cancel.ics" if cancel else "invite.ics",
    )
    return part
