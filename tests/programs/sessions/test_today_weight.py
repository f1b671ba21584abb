"""The Today page stays light on a phone's connection: its HTML with every stylesheet and script
it links (images apart) under 150 KB uncompressed."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from programs.demo import seed_program
from tests.conftest import client_for

BUDGET = 150 * 1024


@pytest.mark.django_db
def test_today_page_weighs_under_150_kb_with_its_css_and_js(patient, pt):
    # given: a patient with a full day's program
    seed_program(patient=patient, therapist=pt)
    # when
    html = client_for(patient).get(reverse("programs:today")).content
    assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="/static/([^"]+)"', html)
    # then
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)
    sizes = {a.decode(): Path(finders.find(a.decode())).stat().st_size for a in assets}
    total = len(html) + sum(sizes.values())
    print(f"Today: HTML {len(html)} B, assets {sizes}, total {total} B")
    assert total < BUDGET, f"Today weighs {total} bytes: {sizes}"
