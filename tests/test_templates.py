"""Template text never reaches a page: Django's `{# ... #}` comment ends at the end of its
line, so a comment carried over two lines is printed to the patient as it stands (it was, on
every Today card, for a few hours). Every template is checked, then the pages built from the
cached card parts are read as a patient sees them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.programs.history import ensure_psoas_library

ROOT = Path(settings.BASE_DIR)
TEMPLATE_FILES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    for path in folder.rglob("*")
    if path.suffix in {".html", ".txt", ".xml", ".json", ".js"}
)
UNCLOSED_COMMENT = re.compile(r"\{#(?![^\n]*#\})")
LEAKED = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def test_templates_were_found():
    assert len(TEMPLATE_FILES) > 50


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_comment_spans_two_lines(path: Path):
    text = path.read_text()
    unclosed = [text.count("\n", 0, m.start()) + 1 for m in UNCLOSED_COMMENT.finditer(text)]
    assert not unclosed, (
        f"{{# ... #}} must close on its own line; use {{% comment %}} (lines {unclosed})"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_todays_cards_show_no_template_text(patient, pt, settings, debug):
    plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    # both ways the cards are built: from the per-process copies (DEBUG off) and afresh
    settings.DEBUG = debug
    html = client_for(patient).get(reverse("programs:today")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Mark" in main  # the cards are there
    assert not LEAKED.findall(main), LEAKED.findall(main)[:5]
