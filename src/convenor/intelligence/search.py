"""Searching the reports a user may see: full text and filters, on SQLite and PostgreSQL alike.

The search starts from ``access.visible``, so a report the user may not see can never match,
count or be named. The text of a handling code C report the user has not acknowledged is not
searched either (only its title), so a search cannot reveal what its conditions protect.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from convenor.core import access
from convenor.core.models import User

from .access_rules import originator_side
from .grading import HandlingCode
from .models import IntelligenceReport, Subject


@dataclass
class ReportQuery:
    text: str = ""
    area: str = ""  # ONS code of the local authority
    threat_area: str = ""
    source_evaluation: str = ""
    intelligence_assessment: str = ""
    handling_code: str = ""
    subject: str = ""
    subject_kind: str = ""
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None

    @classmethod
    def from_search(cls, data: dict) -> ReportQuery:
        """From the search form's cleaned data (the reports page and the API list alike)."""
        return cls(
            text=data["q"].strip(),
            area=data["area"].strip().upper(),
            threat_area=data["threat_area"],
            source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
            subject=data["subject"].strip(),
            subject_kind=data["subject_kind"],
            created_from=data["created_from"],
            created_to=data["created_to"],
        )


def _readable(user: User) -> Q:
    s = access.standing(user)
    return (
        originator_side(s)
        | ~Q(handling_code=HandlingCode.CONDITIONS)
        | Q(acknowledgements__user_id=s.user_id)
    )


def search_reports(user: User, query: ReportQuery) -> QuerySet[IntelligenceReport]:
    reports = access.visible(user, IntelligenceReport.objects.all())
    readable_ids = access.visible(user, IntelligenceReport.objects.all()).filter(_readable(user))
    if query.text:
        words = [w for w in query.text.split()[:10] if w]
        for word in words:
            in_content = (
                Q(content__icontains=word)
                | Q(location__icontains=word)
                | Q(
                    pk__in=Subject.objects.filter(
                        Q(name__icontains=word)
                        | Q(identifier__icontains=word)
                        | Q(description__icontains=word)
                    ).values("report_id")
                )
            )
            reports = reports.filter(
                Q(title__icontains=word) | (in_content & Q(pk__in=readable_ids.values("pk")))
            )
    if query.subject:
        matching = Subject.objects.filter(
            Q(name__icontains=query.subject) | Q(identifier__icontains=query.subject)
        )
        if query.subject_kind:
            matching = matching.filter(kind=query.subject_kind)
        reports = reports.filter(
            pk__in=matching.values("report_id"), id__in=readable_ids.values("pk")
        )
    elif query.subject_kind:
        reports = reports.filter(
            pk__in=Subject.objects.filter(kind=query.subject_kind).values("report_id"),
            id__in=readable_ids.values("pk"),
        )
    if query.area:
        reports = reports.filter(area__code=query.area)
    if query.threat_area:
        # Codes come from the taxonomy (the form refuses others), so the quoted code matches one
        # list element exactly; JSON icontains works on SQLite and PostgreSQL alike.
        reports = reports.filter(threat_areas__icontains=f'"{query.threat_area}"')
    for name in ("source_evaluation", "intelligence_assessment", "handling_code"):
        value = getattr(query, name)
        if value:
            reports = reports.filter(**{name: value})
    if query.created_from:
        reports = reports.filter(created_at__date__gte=query.created_from)
    if query.created_to:
        reports = reports.filter(created_at__date__lte=query.created_to)
    return reports.select_related("owner_organisation", "area").order_by("-created_at", "-id")
