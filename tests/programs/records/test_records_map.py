"""The records map holds a decision for every model that reaches a user (issue 12, item 1)."""

from django.apps import apps
from django.db.models import Model

from accounts.selectors.privacy import export_section_names
from programs.records_map import RECORDS_MAP, Retention


def _reaches_user() -> set[str]:
    """Every concrete model with a forward foreign-key path to accounts.User, found from
    Django's registry (auto-created many-to-many tables included, proxies excluded)."""
    user = apps.get_model("accounts", "User")
    models = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]

    def targets(model: type[Model]) -> list[type[Model]]:
        return [
            f.related_model
            for f in model._meta.get_fields()
            if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model
        ]

    reached = {user}
    grew = True
    while grew:
        grew = False
        for model in models:
            if model not in reached and any(t in reached for t in targets(model)):
                reached.add(model)
                grew = True
    return {m._meta.label_lower for m in reached}


def test_every_model_that_reaches_a_user_has_a_decision_in_the_records_map():
    found = _reaches_user()
    missing = sorted(found - set(RECORDS_MAP))
    assert not missing, (
        "These models hold data that reaches a user but have no entry in "
        f"programs/records_map.py (export section and retention class, or a reason): {missing}"
    )
    stale = sorted(set(RECORDS_MAP) - found)
    assert not stale, f"The records map lists models that no longer reach a user: {stale}"


def test_every_entry_is_complete_and_names_a_real_export_section():
    sections = set(export_section_names())
    for label, record in RECORDS_MAP.items():
        assert isinstance(record.retention, Retention), label
        if record.export:
            assert record.export in sections, f"{label}: no export section {record.export!r}"
        else:
            assert len(record.reason) > 10, f"{label} is not exported: say why"
        if record.retention in (Retention.AUDIT, Retention.NOT_PATIENT):
            assert len(record.reason) > 10, f"{label} is not erased with the patient: say why"
