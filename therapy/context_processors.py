from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

# Which navigation entry a page belongs to, by its URL name: the first prefix that matches.
# The navigation marks that entry with aria-current="page".
NAV_SECTIONS: tuple[tuple[str, str], ...] = (
    ("programs:triage", "triage"),
    ("programs:today", "today"),
    ("programs:completion", "today"),
    ("programs:session", "today"),
    ("programs:my-outcomes", "check-ins"),
    ("programs:outcome-answer", "check-ins"),
    ("programs:progress", "progress"),
    ("programs:messages", "messages"),
    ("programs:thread", "messages"),
    ("programs:visit", "visits"),
    ("programs:availability", "visits"),
    ("programs:article", "learn"),
    ("programs:my-notes", "notes"),
    ("programs:reminders", "reminders"),
    ("programs:plan", "caseload"),
    ("programs:patient-outcomes", "caseload"),
    ("programs:note-start", "caseload"),
    ("programs:note", "notes"),
    ("programs:alert", "caseload"),
    ("caseload", "caseload"),
    ("patient-detail", "caseload"),
    ("accounts:profile", "profile"),
    ("accounts:password", "password"),
    ("security:privacy", "privacy"),
    ("security:access-log", "privacy"),
    ("security:account-close", "privacy"),
    ("security:audit", "audit"),
    ("security:lockouts", "lockouts"),
    ("security:", "security"),
    ("employer:dashboard", "dashboard"),
    ("employer:import", "imports"),
    ("employer:roster", "roster"),
    ("eligibility:review", "reviews"),
    ("more", "more"),
    ("components", "components"),
)


# Sections with a tab of their own; any other page sits behind the phone's "More" tab.
TAB_SECTIONS = frozenset(
    {"today", "progress", "messages", "visits", "caseload", "dashboard", "imports", "roster"}
    | {"audit", "reviews", "triage"}
)


def nav_section(view_name: str) -> str:
    for prefix, section in NAV_SECTIONS:
        if view_name.startswith(prefix):
            return section
    return ""


# The navigation's links (templates/_partials/nav_*.html), by the name the templates use.
NAV_URL_NAMES: dict[str, str] = {
    "today": "programs:today",
    "progress": "programs:progress",
    "messages": "programs:messages",
    "visits": "programs:visits",
    "caseload": "caseload",
    "dashboard": "employer:dashboard",
    "imports": "employer:imports",
    "roster": "employer:roster",
    "triage": "programs:triage",
    "audit_log": "security:audit-log",
    "reviews": "eligibility:reviews",
    "more": "more",
    "article_list": "programs:article-list",
    "my_outcomes": "programs:my-outcomes",
    "my_notes": "programs:my-notes",
    "reminders": "programs:reminders",
    "profile": "accounts:profile",
    "privacy": "security:privacy",
    "lockouts": "security:lockouts",
    "components": "components",
    "admin": "admin:index",
    "security": "security:overview",
    "password_change": "accounts:password_change",
    "logout": "accounts:logout",
}


@cache
def _nav_urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in NAV_URL_NAMES.items()}


def nav_urls() -> dict[str, str]:
    """The navigation's links, reversed once per process (and URL prefix and configuration)
    instead of about twenty reverse() calls on every page (issue 14, the web benchmark)."""
    return _nav_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def site(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    section = nav_section(match.view_name) if match else ""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_section": section,
        "nav_in_more": bool(section) and section not in TAB_SECTIONS,
        "nav_urls": nav_urls(),
    }


def viewer(request: HttpRequest) -> dict[str, str]:
    """The viewer's time zone, for the `when` filter (therapy.when). A view may override it."""
    from therapy.when import viewer_time_zone

    return {"viewer_zone": viewer_time_zone(getattr(request, "user", None))}
