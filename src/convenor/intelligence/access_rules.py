"""The access policy for intelligence: need to know.

* Any member of staff of an organisation may submit a report.
* A report is seen by its author (while still a member of the owning organisation), by the
  analysts of the organisation that owns it (its
  intelligence managers), and by the analysts and practitioners of each organisation it was
  disseminated to. Nobody else: not board members, partnership administrators or auditors of
  those organisations (auditors see the audit chain), and not operators (superusers) either.
* Its author and the owner's analysts disseminate it, sanitise it and answer requests for
  information. Recipients ask for more.
* Anonymous submissions are seen only by the analysts of the channel's receiving organisation
  (the triage role). Reporting channels are public: anonymous visitors see the active ones.
* What the policy refuses is not found (404), never forbidden.
"""

from __future__ import annotations

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from convenor.core.access import Action, Rule, Standing, member_party, rule_for, visible_where
from convenor.core.models import InformationSharingAgreement, Role

from .models import (
    Acknowledgement,
    AnonymousMessage,
    AnonymousSubmission,
    Attachment,
    DailyLimit,
    Dissemination,
    InformationRequest,
    IntelligenceReport,
    Reading,
    ReportingChannel,
    Subject,
)

RECEIVING_ROLES = (Role.ANALYST, Role.PRACTITIONER)


def manager_organisations(s: Standing) -> frozenset[int]:
    """Where the user is an intelligence manager and triage analyst: their analyst roles."""
    return s.organisations_with_role(Role.ANALYST)


def receiving_organisations(s: Standing) -> frozenset[int]:
    return frozenset(org for org, role in s.roles if role in RECEIVING_ROLES)


def originator_side(s: Standing, prefix: str = "") -> Q:
    """The author and the owning organisation's analysts."""
    if not s.authenticated:
        return Q(pk__in=[])
    # The author only while still a member of the owning organisation.
    return Q(
        **{f"{prefix}author_id": s.user_id, f"{prefix}owner_organisation__in": s.organisations}
    ) | Q(**{f"{prefix}owner_organisation__in": manager_organisations(s)})


def current_grants(organisations: frozenset[int]) -> QuerySet:
    """Dissemination grants to ``organisations`` that an information sharing agreement in force
    today still covers: when the agreement between the owner and the recipient lapses, the
    recipient stops seeing the report until it is renewed."""
    covering = (
        InformationSharingAgreement.objects.current()
        .filter(member_party(OuterRef("report__owner_organisation")))
        .filter(member_party(OuterRef("organisation")))
    )
    return Dissemination.objects.filter(organisation__in=organisations).filter(Exists(covering))


def report_q(s: Standing, prefix: str = "") -> Q:
    if not s.authenticated:
        return Q(pk__in=[])
    shared = current_grants(receiving_organisations(s)).values("report_id")
    return originator_side(s, prefix) | Q(**{f"{prefix}pk__in": shared})


def is_originator(s: Standing, report: IntelligenceReport) -> bool:
    return s.authenticated and (
        (report.author_id == s.user_id and report.owner_organisation_id in s.organisations)
        or report.owner_organisation_id in manager_organisations(s)
    )


@rule_for(IntelligenceReport)
class IntelligenceReportRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(report_q(s)).distinct()

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if obj is None:
            # The kind of thing: anyone on the staff of an organisation submits and searches.
            return action in (Action.VIEW, Action.CREATE) and bool(s.organisations)
        if action == Action.VIEW:
            return super().can(s, action, obj)
        if action == Action.CHANGE:
            return is_originator(s, obj)
        return False


def _via_report(s: Standing, queryset: QuerySet) -> QuerySet:
    return queryset.filter(report__in=IntelligenceReport.objects.filter(report_q(s)).values("pk"))


@rule_for(Subject)
class SubjectRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return _via_report(s, queryset)


def submission_q(s: Standing, prefix: str = "") -> Q:
    if not s.authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}channel__receiving_organisation__in": manager_organisations(s)})


@rule_for(Attachment)
class AttachmentRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        reports = IntelligenceReport.objects.filter(report_q(s)).values("pk")
        submissions = AnonymousSubmission.objects.filter(submission_q(s)).values("pk")
        return queryset.filter(Q(report__in=reports) | Q(submission__in=submissions))


@rule_for(Dissemination)
class DisseminationRule(Rule):
    """The originator sees every recipient; a recipient sees only its own organisation's grant."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if not s.authenticated:
            return queryset.none()
        return queryset.filter(
            originator_side(s, "report__") | Q(organisation__in=receiving_organisations(s))
        )


@rule_for(Acknowledgement)
class AcknowledgementRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if not s.authenticated:
            return queryset.none()
        return queryset.filter(originator_side(s, "report__") | Q(user_id=s.user_id))


# Who read a report: for its originator.
visible_where(Reading, lambda s: originator_side(s, "report__"))


@rule_for(InformationRequest)
class InformationRequestRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if not s.authenticated:
            return queryset.none()
        visible_reports = IntelligenceReport.objects.filter(report_q(s)).values("pk")
        return queryset.filter(report__in=visible_reports).filter(
            originator_side(s, "report__")
            | Q(requesting_organisation__in=receiving_organisations(s))
        )


@rule_for(ReportingChannel)
class ReportingChannelRule(Rule):
    """Public: anyone, signed in or not, may find an active channel to report through. The
    receiving organisation's partnership administrators (and operators) set channels up in the
    back office; its analysts also see its closed channels."""

    public = True

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        own = manager_organisations(s) | s.organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
        if s.authenticated and own:
            return queryset.filter(Q(active=True) | Q(receiving_organisation__in=own))
        return queryset.filter(active=True)

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or super().can(s, action, obj)
        if not s.authenticated or action == Action.DELETE:
            return False
        if obj is None:
            return s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR)
        return s.superuser or s.has_role(
            Role.PARTNERSHIP_ADMINISTRATOR, obj.receiving_organisation_id
        )


@rule_for(AnonymousSubmission)
class AnonymousSubmissionRule(Rule):
    """Only the receiving organisation's analysts (triage)."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(submission_q(s))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if obj is None:
            return action == Action.VIEW and bool(
                manager_organisations(s)
                and ReportingChannel.objects.filter(
                    receiving_organisation__in=manager_organisations(s)
                ).exists()
            )
        if action in (Action.VIEW, Action.CHANGE):
            return obj.channel.receiving_organisation_id in manager_organisations(s)
        return False


visible_where(AnonymousMessage, lambda s: submission_q(s, "submission__"))


@rule_for(DailyLimit)
class DailyLimitRule(Rule):
    """Counters only; nobody reads them through the policy."""
