"""The monitoring report for a board and a period (seed 002: "a six month report will follow on
the progression of the outcomes"): recommendations with their responses and actions, every
action's status and the updates in the period, overdue actions by owner, and charts."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from convenor.core import access, audit
from convenor.core.models import User
from convenor.reports import bar_chart_svg, render_pdf, stacked_bar_chart_svg

from . import reference
from .models import Action, ActionUpdate, Board, Recommendation, Response


class PeriodError(ValueError):
    pass


def parse_period(start: str | None, end: str | None, today: datetime.date) -> tuple:
    """The period from two ISO dates; by default the six months to today."""
    try:
        period_end = datetime.date.fromisoformat(end) if end else today
        period_start = (
            datetime.date.fromisoformat(start)
            if start
            else period_end - datetime.timedelta(days=182)
        )
    except ValueError as problem:
        raise PeriodError("Enter dates as YYYY-MM-DD, for example 2017-07-25") from problem
    if period_start > period_end:
        raise PeriodError("The start of the period must be on or before its end")
    if (period_end - period_start).days > 3660:
        raise PeriodError("A report covers at most ten years")
    return period_start, period_end


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    responses: list[Response]
    actions: list[Action]

    @property
    def latest(self) -> Response | None:
        return self.responses[-1] if self.responses else None

    @property
    def progress(self) -> str:
        if not self.actions:
            return "No action yet"
        done = sum(1 for a in self.actions if a.status == Action.Status.COMPLETE)
        return f"{done} of {len(self.actions)} actions complete"


@dataclass
class MonitoringReport:
    board: Board
    start: datetime.date
    end: datetime.date
    recommendations: list[RecommendationProgress]
    actions: list[Action]
    updates_in_period: dict[int, list[ActionUpdate]] = field(default_factory=dict)

    def status_counts(self) -> list[tuple[str, int]]:
        counts = Counter(a.get_status_display() for a in self.actions)
        return [(label, counts[label]) for _, label in Action.Status.choices if counts[label]]

    def overdue(self) -> list[Action]:
        return [a for a in self.actions if a.is_overdue(self.end)]

    def completed_in_period(self) -> list[Action]:
        return [
            a for a in self.actions if a.completed_on and self.start <= a.completed_on <= self.end
        ]

    def by_p_and_status(self) -> list[tuple[str, dict[str, int]]]:
        counts: dict[str, Counter] = {p.label: Counter() for p in reference.ps()}
        labels = {p.code: p.label for p in reference.ps()}
        for action in self.actions:
            for code in action.ps:
                counts.setdefault(labels.get(code, code), Counter())[
                    action.get_status_display()
                ] += 1
        return [(p, dict(c)) for p, c in counts.items()]

    def overdue_by_owner(self) -> list[tuple[str, int]]:
        counts = Counter(f"{a.owner} ({a.owner_organisation})" for a in self.overdue())
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def p_status_chart(self) -> SafeString:
        return stacked_bar_chart_svg(
            "Actions by P and status",
            self.by_p_and_status(),
            series=[label for _, label in Action.Status.choices],
            category_label="P",
            # Not started grey, in progress blue, complete green, cancelled purple.
            colours=["#505a5f", "#1d70b8", "#00703c", "#4c2c92"],
        )

    def overdue_chart(self) -> SafeString:
        return bar_chart_svg(
            f"Overdue actions by owner at {self.end:%-d %B %Y}",
            self.overdue_by_owner(),
            value_label="Overdue actions",
            category_label="Owner",
            colour="#d4351c",
        )


def build_report(
    user: User, board: Board, start: datetime.date, end: datetime.date
) -> MonitoringReport:
    """The report as the user may see it: actions filtered by the policy (the report is for
    those entitled to the board; others get only what they may see)."""
    if not access.can(user, access.Action.VIEW, board):
        raise PermissionError("Not found")
    actions = list(
        access.visible(user, Action.objects.filter(board=board, created_at__date__lte=end))
        .select_related("owner", "owner_organisation", "recommendation", "evidence_paper")
        .order_by("due_on", "pk")
    )
    recommendations = (
        access.visible(user, board.recommendations.filter(made_on__lte=end))
        .select_related("addressee")
        .prefetch_related(
            Prefetch("responses", queryset=Response.objects.filter(responded_on__lte=end))
        )
    )
    by_recommendation: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        if action.recommendation_id:
            by_recommendation[action.recommendation_id].append(action)
    progress = [
        RecommendationProgress(r, list(r.responses.all()), by_recommendation.get(r.pk, []))
        for r in recommendations
    ]
    updates: dict[int, list[ActionUpdate]] = defaultdict(list)
    for update in ActionUpdate.objects.filter(
        action__in=actions, at__date__gte=start, at__date__lte=end
    ).select_related("author"):
        updates[update.action_id].append(update)
    for action in actions:
        action.period_updates = updates.get(action.pk, [])
    return MonitoringReport(board, start, end, progress, actions, dict(updates))


def render_report_pdf(report: MonitoringReport) -> bytes:
    html = render_to_string("governance/monitoring_report_print.html", {"report": report})
    return render_pdf(html)


def report_pdf(user: User, report: MonitoringReport) -> bytes:
    """The report as a PDF for ``user``; the export is audited."""
    pdf = render_report_pdf(report)
    audit.record(
        "monitoring_report_exported",
        actor=user,
        obj=report.board,
        detail={"start": report.start, "end": report.end, "actions": len(report.actions)},
    )
    return pdf


def view_report(user: User, report: MonitoringReport) -> MonitoringReport:
    """The report as read on its page; the read is audited (it names owners and open actions)."""
    audit.record(
        "monitoring_report_viewed",
        actor=user,
        obj=report.board,
        detail={"start": report.start, "end": report.end},
    )
    return report
