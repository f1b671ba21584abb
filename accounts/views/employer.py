"""The employer admin portal's dashboard of de-identified aggregates.

The view starts from employer_sponsor_for(user), which answers 404 to anyone who is not an
employer admin.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import RosterEntry
from accounts.selectors.employer import employer_dashboard, employer_sponsor_for
from accounts.services.employer import employer_periods_close_due
from therapy.http import AuthenticatedHttpRequest


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    relationship = request.GET.get("relationship", "")
    if relationship not in RosterEntry.Relationship.values:
        relationship = ""
    employer_periods_close_due(sponsor=sponsor)  # normally done already by the hourly task
    return render(
        request,
        "accounts/employer/dashboard.html",
        {
            "sponsor": sponsor,
            "figures": employer_dashboard(sponsor=sponsor, relationship=relationship),
            "relationships": RosterEntry.Relationship.choices,
            "relationship": relationship,
            "min_cell": settings.EMPLOYER_MIN_CELL_SIZE,
        },
    )
