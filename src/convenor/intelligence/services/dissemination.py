"""Sharing reports and what follows: dissemination within information sharing agreements,
acknowledging handling conditions, audited reads, and requests for information."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.models import Organisation, Partnership, User

from ..access_rules import is_originator, receiving_organisations
from ..models import Acknowledgement, Dissemination, InformationRequest, IntelligenceReport, Reading
from ..selectors import content_readable
from .common import require_change, required_text


@dataclass
class DisseminationResult:
    shared_with: list[Organisation]
    not_shared: list[tuple[Organisation, str]]


@transaction.atomic
def disseminate(
    actor: User,
    report: IntelligenceReport,
    *,
    organisations: list[Organisation] = (),
    partnerships: list[Partnership] = (),
) -> DisseminationResult:
    """Share a report with named organisations and the members of partnerships.

    A named organisation outside a current ISA with the owner refuses the whole request (nothing
    is shared); a partnership's members are shared with when they are party to a current ISA with
    the owner, and the rest are listed as not shared.
    """
    require_change(actor, report, "share this")
    if not organisations and not partnerships:
        raise ValidationError({"organisations": "Choose at least one organisation or partnership"})
    owner = report.owner_organisation
    refused = [o.name for o in organisations if not access.sharing_permitted(owner, o)]
    if refused:
        raise ValidationError(
            {
                "organisations": "Not shared: no information sharing agreement in force with "
                + ", ".join(refused)
            }
        )
    targets: dict[int, tuple[Organisation, Partnership | None]] = {
        o.pk: (o, None) for o in organisations if o.pk != owner.pk
    }
    not_shared: list[tuple[Organisation, str]] = []
    for partnership in partnerships:
        for member in partnership.organisations.exclude(pk=owner.pk):
            if member.pk in targets:
                continue
            if access.sharing_permitted(owner, member):
                targets[member.pk] = (member, partnership)
            else:
                not_shared.append((member, "no information sharing agreement in force"))
    shared = []
    for organisation, partnership in targets.values():
        _, created = Dissemination.objects.get_or_create(
            report=report,
            organisation=organisation,
            defaults={"via_partnership": partnership, "shared_by": actor},
        )
        if created:
            shared.append(organisation)
    audit.record(
        "intelligence_report_disseminated",
        actor=actor,
        obj=report,
        detail={
            "organisations": [o.pk for o in shared],
            "partnerships": [p.pk for p in partnerships],
            "not_shared": [o.pk for o, _ in not_shared],
            "handling_code": report.handling_code,
        },
    )
    return DisseminationResult(shared, not_shared)


def _require_sight(actor: User, report: IntelligenceReport) -> None:
    if not access.can(actor, access.Action.VIEW, report):
        raise PermissionDenied("Not found")


@transaction.atomic
def acknowledge_conditions(actor: User, report: IntelligenceReport) -> Acknowledgement:
    _require_sight(actor, report)
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        report=report, user=actor, defaults={"conditions": report.handling_conditions}
    )
    if created:
        audit.record(
            "intelligence_conditions_acknowledged",
            actor=actor,
            obj=report,
            detail={"conditions": report.handling_conditions},
        )
    return acknowledgement


def _shared_organisations(report: IntelligenceReport) -> set[int]:
    return set(report.disseminations.values_list("organisation_id", flat=True))


@transaction.atomic
def record_reading(
    actor: User, report: IntelligenceReport, kind: str, detail: dict | None = None
) -> None:
    """A view, download, print or export of a report: into the audit chain and the originator's
    list of readers. Refused until a code C report's conditions are acknowledged."""
    _require_sight(actor, report)
    if not content_readable(actor, report):
        raise PermissionDenied("Acknowledge the handling conditions first")
    s = access.standing(actor)
    reader_orgs = sorted(receiving_organisations(s) | s.organisations)
    shared_orgs = _shared_organisations(report)
    organisation_id = next(
        (o for o in reader_orgs if o == report.owner_organisation_id or o in shared_orgs),
        reader_orgs[0] if reader_orgs else None,
    )
    Reading.objects.create(report=report, user=actor, organisation_id=organisation_id, kind=kind)
    audit.record(f"intelligence_report_{kind}", actor=actor, obj=report, detail=detail or {})


@transaction.atomic
def request_information(
    actor: User, report: IntelligenceReport, question: str
) -> InformationRequest:
    _require_sight(actor, report)
    s = access.standing(actor)
    if is_originator(s, report):
        raise ValidationError({"question": "You hold this report: there is no one to ask"})
    if not content_readable(actor, report):
        raise PermissionDenied("Acknowledge the handling conditions first")
    question = required_text(
        question, "question", missing="Enter what you need to know", named="The question", most=5000
    )
    shared = _shared_organisations(report)
    organisation_id = min((receiving_organisations(s) & shared) or s.organisations)
    request = InformationRequest.objects.create(
        report=report,
        requested_by=actor,
        requesting_organisation_id=organisation_id,
        question=question,
    )
    return _request_audited("intelligence_information_requested", actor, request)


@transaction.atomic
def answer_information_request(
    actor: User, information_request: InformationRequest, answer: str
) -> InformationRequest:
    require_change(actor, information_request.report, "answer")
    information_request.answer = required_text(
        answer, "answer", missing="Enter the answer", named="The answer", most=10000
    )
    information_request.answered_by = actor
    information_request.answered_at = timezone.now()
    information_request.save(update_fields=["answer", "answered_by", "answered_at"])
    return _request_audited("intelligence_information_answered", actor, information_request)


def _request_audited(action: str, actor: User, information_request: InformationRequest):
    """Record that a question about a report was asked or answered (naming the request)."""
    audit.record(
        action,
        actor=actor,
        obj=information_request.report,
        detail={"request": information_request.pk},
    )
    return information_request
