"""The unread-message count in the nav."""

from django import template

from accounts.models import User
from programs.selectors.messaging import unread_count_for_user

register = template.Library()


@register.simple_tag
def unread_message_count(user: User) -> int:
    """Unread messages for the nav; one query, only for patients and PTs."""
    return unread_count_for_user(user=user)
