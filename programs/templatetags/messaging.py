"""The unread-message count in the nav."""

from django import template

from accounts.models import User
from programs.selectors.messaging import unread_count_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_message_count(context: template.Context, user: User) -> int:
    """Unread messages for the nav; one query, only for patients and PTs. A page that read
    the count already, folded into a query of its own, passes it as `nav_unread`."""
    folded = context.get("nav_unread")
    if folded is not None:
        return int(folded)
    return unread_count_for_user(user=user)
