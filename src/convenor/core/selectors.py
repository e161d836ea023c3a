"""Reads of the core, always within ``access.visible``: organisations, people, partnerships and
their agreements, areas and the audit record. Pages and the API ask here, so what a user may see
and how it is fetched (in a fixed number of queries) is written once. Reads that must be audited
(the audit record itself) are recorded by the caller through ``audit.record``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from . import access, agreements
from .access import Action, get_visible_or_404, visible
from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    PartnershipInvitation,
    Role,
    User,
)
from .passwords import may_reset_password

# --- Home and your account -------------------------------------------------------------------


def home_overview(user: User) -> dict[str, QuerySet]:
    """The user's current memberships, the partnerships their organisations are in, and those
    partnerships' agreements."""
    memberships = (
        visible(user, Membership.objects.filter(user=user))
        .filter(access.current_memberships())
        .select_related("organisation")
    )
    partnerships = (
        visible(user, Partnership.objects.all())
        .filter(organisations__memberships__user=user)
        .distinct()
    )
    agreements = visible(
        user, InformationSharingAgreement.objects.filter(partnership__in=partnerships)
    )
    return {"memberships": memberships, "partnerships": partnerships, "agreements": agreements}


def invitations_awaiting(user: User) -> QuerySet[PartnershipInvitation]:
    """Invitations to join a partnership that organisations the user administers have not
    answered yet."""
    administered = access.standing(user).organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
    return PartnershipInvitation.objects.filter(
        organisation__in=administered, accepted__isnull=True
    ).select_related("partnership", "organisation", "invited_by")


# --- Organisations and people ----------------------------------------------------------------


def organisation_list(user: User, kind: str = "") -> QuerySet[Organisation]:
    """Organisations the user may see; of one kind when ``kind`` is one (else all)."""
    organisations = visible(user, Organisation.objects.select_related("parent"))
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    return organisations


def organisation_or_404(user: User, slug: str) -> Organisation:
    return get_visible_or_404(user, Organisation.objects.all(), slug=slug)


def organisation_page(user: User, slug: str) -> dict[str, Any]:
    """An organisation with the people, services and partnerships of it the user may see, and
    its areas."""
    organisation = organisation_or_404(user, slug)
    return {
        "organisation": organisation,
        "memberships": current_memberships_of(user, organisation),
        "services": visible(user, organisation.services.all()),
        "partnerships": visible(user, organisation.partnerships.all()),
        "areas": organisation.areas.all(),
    }


def current_memberships_of(user: User, holder: Organisation | User) -> QuerySet[Membership]:
    """The current memberships of an organisation or a person that the user may see."""
    related = "user" if isinstance(holder, Organisation) else "organisation"
    return visible(user, holder.memberships.filter(access.current_memberships())).select_related(
        related
    )


def person_list(user: User, query: str = "") -> QuerySet[User]:
    """Active people the user may see, matching ``query`` by name or username."""
    people = visible(user, User.objects.filter(is_active=True))
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(username__icontains=query)
        )
    return people


def person_or_404(user: User, username: str) -> User:
    return get_visible_or_404(user, User.objects.all(), username=username)


def person_page(user: User, username: str) -> dict[str, Any]:
    """A person with the current roles of theirs the user may see, and whether the user may
    reset their password."""
    person = person_or_404(user, username)
    return {
        "person": person,
        "memberships": current_memberships_of(user, person),
        "can_reset_password": may_reset_password(user, person),
    }


# --- Partnerships and agreements -------------------------------------------------------------


def partnership_list(user: User) -> QuerySet[Partnership]:
    return visible(user, Partnership.objects.select_related("lead_organisation"))


def partnership_list_page(user: User) -> dict[str, Any]:
    return {"partnerships": partnership_list(user)}


def partnership_or_404(user: User, slug: str) -> Partnership:
    return get_visible_or_404(user, Partnership.objects.all(), slug=slug)


def partnership_page(user: User, slug: str) -> dict[str, Any]:
    """A partnership with the members, agreements and invitations the user may see, its areas,
    and whether the user may change it."""
    partnership = partnership_or_404(user, slug)
    return {
        "partnership": partnership,
        "organisations": visible(user, partnership.organisations.all()),
        "agreements": visible(user, partnership.agreements.all()),
        "areas": partnership.areas.all(),
        "can_change": access.can(user, Action.CHANGE, partnership),
        "invitations": visible(user, partnership.invitations.all()).select_related("organisation"),
    }


def invitation_or_404(user: User, pk: int) -> PartnershipInvitation:
    return get_visible_or_404(
        user, PartnershipInvitation.objects.select_related("partnership"), pk=pk
    )


def agreement_or_404(user: User, slug: str, pk: int) -> InformationSharingAgreement:
    return get_visible_or_404(
        user,
        InformationSharingAgreement.objects.select_related("partnership"),
        partnership__slug=slug,
        pk=pk,
    )


def agreement_page(user: User, slug: str, pk: int) -> dict[str, Any]:
    """An agreement with its parties, who has signed, the versions before and after it, what
    the reader may do with it (edit a draft, sign for their organisation, renew) and, once
    renewed, what is still shared under it (not carried over)."""
    agreement = get_visible_or_404(
        user,
        InformationSharingAgreement.objects.select_related(
            "partnership", "superseded_by", "supersedes"
        ),
        partnership__slug=slug,
        pk=pk,
    )
    parties = list(agreement.parties.all())
    signatories = list(agreement.signatories.select_related("organisation"))
    signing = agreement.signing(signatories=signatories, parties=parties)
    may_change = access.can(user, Action.CHANGE, agreement)
    administered = access.standing(user).organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
    return {
        "agreement": agreement,
        "parties": parties,
        "signatories": signatories,
        "signing": signing,
        "supersedes": getattr(agreement, "supersedes", None),
        "may_edit": may_change and signing.is_draft,
        "may_renew": may_change and not agreement.superseded_by_id,
        "may_sign": not agreement.superseded_by_id
        and any(p.pk in administered for p in signing.waiting),
        "still_shared": agreements.still_shared_under(user, agreement),
    }


# --- Areas -----------------------------------------------------------------------------------


def area_list(user: User, kind: str = "", query: str = "") -> QuerySet[Area]:
    """Areas the user may see, of one kind and matching a name or exact code: current ones, and
    abolished ones too when searching (with their successors), so that an old name still leads
    to the area that replaced it. Current areas come first."""
    areas = Area.objects.select_related("parent").prefetch_related(
        Prefetch("successors", queryset=Area.objects.order_by("name"))
    )
    areas = visible(user, areas if query else areas.current())
    if kind in Area.Kind.values:
        areas = areas.filter(kind=kind)
    if query:
        areas = areas.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return areas.order_by(F("ended_on").desc(nulls_first=True), "name")


def areas_for_user(user: User, kinds: tuple[str, ...] | None = None) -> QuerySet[Area]:
    """The current areas of the user's partnerships at every level, for pickers (see
    ``access.partnership_areas``, the rule the services apply to what is saved). ``kinds``
    narrows to some of ``Area.Kind`` (all when ``None``). One query."""
    return access.partnership_areas(access.standing(user), kinds)


def area_or_404(user: User, code: str) -> Area:
    """One area with what replaced it and what it replaced (the 2019-2024 reorganisations)."""
    by_name = Area.objects.order_by("name")
    return get_visible_or_404(
        user,
        Area.objects.select_related("parent").prefetch_related(
            Prefetch("successors", queryset=by_name), Prefetch("predecessors", queryset=by_name)
        ),
        code=code,
    )


def area_page(user: User, code: str) -> dict[str, Any]:
    """An area with the areas within it, around it and covering it, and the organisations there
    the user may see."""
    area = area_or_404(user, code)
    return {
        "area": area,
        "children": area.children.all(),
        "local_authorities": area.local_authorities.all(),
        "police_force_areas": area.police_force_areas.all(),
        "organisations": visible(user, area.organisations.all()),
    }


# --- The audit record ------------------------------------------------------------------------

AUDIT_REFUSED = "Only auditors and data protection officers read the audit record"


@dataclass(frozen=True)
class AuditFilters:
    """The audit list's filters, cleaned (``forms.AuditFilterForm``): dates inclusive."""

    action: str = ""
    username: str = ""
    object_type: str = ""
    from_date: datetime.date | None = None
    to_date: datetime.date | None = None

    @classmethod
    def from_form(cls, cleaned: dict) -> AuditFilters:
        return cls(
            **{
                name: cleaned.get(name) or cls.__dataclass_fields__[name].default
                for name in cls.__dataclass_fields__
            }
        )

    def as_dict(self) -> dict[str, str]:
        """For the audit entry that records the reading (dates in ISO 8601)."""
        return {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in self.__dict__.items()
            if value
        }


def audit_entries(user: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The audit entries the user may read, filtered; refused (403) to everyone but auditors and
    data protection officers. Reading them is recorded by the caller (list or export)."""
    if not access.can(user, Action.VIEW, model=AuditEntry):
        raise PermissionDenied(AUDIT_REFUSED)
    entries = visible(user, AuditEntry.objects.select_related("actor_organisation"))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.username:
        entries = entries.filter(actor_username=filters.username)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.from_date:
        entries = entries.filter(at__gte=_start_of(filters.from_date))
    if filters.to_date:
        entries = entries.filter(at__lt=_start_of(filters.to_date + datetime.timedelta(days=1)))
    return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the service's time zone (a range on the indexed time,
    not a per-row date conversion)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
