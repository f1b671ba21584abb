"""The tab bar is rendered once per process for each thing it shows (programs/templatetags/
navigation.py): what a person sees must still be their role's tabs, the current page and their
own unread count, exactly as the template renders them."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse

from programs.models import Message, ThreadReadState
from programs.templatetags.navigation import NAV_ITEMS
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge badge-count">{}<span class="visually-hidden"> unread</span></span>'


def _tabs(page: str) -> str:
    start = page.index('<ul class="nav-tabs">')
    return page[start : page.index("</ul>", start)]


def test_the_tabs_are_the_templates_own(patient, pt):
    # given a PT message the patient has not read
    Message.objects.create(patient=patient, sender=pt, body="How was it?")
    for user, url in ((patient, reverse("programs:progress")), (pt, reverse("caseload"))):
        page = client_for(user).get(url).content.decode()
        # when the page is read twice (the second from the cache)
        again = client_for(user).get(url).content.decode()
        # then both are what the template renders for that user and page
        request = RequestFactory().get(url)
        request.user = user
        request.resolver_match = client_for(user).get(url).wsgi_request.resolver_match
        expected = render_to_string(NAV_ITEMS, {}, request)
        assert _tabs(page) == _tabs(again)
        assert '<ul class="nav-tabs">\n            ' + expected in page


def test_each_person_sees_their_own_count(patient, patient2, pt, pt2, plan):
    Message.objects.create(patient=patient, sender=pt, body="One")
    second = Message.objects.create(patient=patient, sender=pt, body="Two")
    Message.objects.create(patient=patient2, sender=pt2, body="Other")
    today = reverse("programs:today")
    assert BADGE.format(2) in _tabs(client_for(patient).get(today).content.decode())
    assert BADGE.format(1) in _tabs(client_for(patient2).get(today).content.decode())
    # when the first patient reads their thread
    ThreadReadState.objects.create(patient=patient, user=patient, last_read_message_id=second.pk)
    # then their tab bar has no badge, and the other patient's still has theirs
    assert "badge-count" not in _tabs(client_for(patient).get(today).content.decode())
    assert BADGE.format(1) in _tabs(client_for(patient2).get(today).content.decode())


def test_the_current_page_is_marked(patient, plan):
    client = client_for(patient)
    today = _tabs(client.get(reverse("programs:today")).content.decode())
    progress = _tabs(client.get(reverse("programs:progress")).content.decode())
    assert f'href="{reverse("programs:today")}" aria-current="page"' in today
    assert f'href="{reverse("programs:progress")}" aria-current="page"' in progress
    assert 'aria-current="page"' not in today.split(reverse("programs:progress"))[1][:40]


def test_with_debug_on_the_tabs_are_rendered_each_time(patient, plan, monkeypatch):
    from programs.templatetags import navigation

    monkeypatch.setattr(navigation, "_tabs", {})
    with override_settings(DEBUG=True):
        client_for(patient).get(reverse("programs:progress"))
    assert navigation._tabs == {}
