"""The tab bar (templates/_partials/nav_items.html), rendered once per process for each thing
it shows instead of five template includes on every page (a fifth of Today's template time)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from programs.templatetags.messaging import unread_message_count

register = template.Library()

NAV_ITEMS = "_partials/nav_items.html"

# Bounded: a few roles and sections times the unread counts people have. Keyed on everything
# the tabs show, so there is nothing to invalidate; in-process, so a deploy starts empty.
_CACHE_SIZE = 1024
_tabs: dict[tuple[object, ...], SafeString] = {}


@register.simple_tag(takes_context=True)
def navigation_tabs(context: template.Context) -> SafeString:
    """The signed-in user's tabs: their role's links, which one is current, and the unread
    count, read as the tab bar always did (the page's folded `nav_unread`, else one query).
    The count is a number: nothing cached says whose it is."""
    user = context["user"]
    unread = unread_message_count(context, user) if user.is_patient or user.is_therapist else 0
    key = (
        user.role,
        context.get("nav_section", ""),
        bool(context.get("nav_in_more")),
        unread,
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    html = None if settings.DEBUG else _tabs.get(key)  # DEBUG: an edited template shows at once
    if html is None:
        assert context.template is not None  # a tag renders within a template
        with context.push(nav_unread=unread):  # the tag inside reads it, with no second query
            html = context.template.engine.get_template(NAV_ITEMS).render(context)
        if not settings.DEBUG and len(_tabs) < _CACHE_SIZE:
            _tabs[key] = html
    return html
