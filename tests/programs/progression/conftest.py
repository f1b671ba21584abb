from datetime import timedelta

import pytest

from programs.models import Plan
from tests.programs.history import local_today, start_plan_on
from tests.programs.progression.history import (
    do_item,
    item_of,
    scheduled_days,
    two_easy_weeks_of_bridges,
)


@pytest.fixture
def started_plan(plan: Plan, patient) -> Plan:
    """The psoas plan, started three weeks ago."""
    start_plan_on(patient, plan, local_today(patient) - timedelta(days=21))
    return plan


@pytest.fixture
def improver(started_plan: Plan, patient) -> Plan:
    """Every scheduled glute bridge of the last two weeks done, pain 2 then 1, mostly easy."""
    two_easy_weeks_of_bridges(patient, started_plan)
    return started_plan


@pytest.fixture
def flaring(started_plan: Plan, patient) -> Plan:
    """Glute bridge done, pain climbing from 2 to 6."""
    bridge = item_of(started_plan, "glute-bridge")
    days = scheduled_days(bridge, local_today(patient), 14)
    n = len(days)
    do_item(
        patient,
        bridge,
        days,
        [2, 2, 2] + [min(6, 3 + i) for i in range(n - 3)],
        ["about_right"] * n,
    )
    return started_plan
