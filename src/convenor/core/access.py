"""The access policy: the one gate every page, API endpoint, export, command and the admin use.

Two questions, both denied by default:

* ``visible(user, queryset)`` — the rows of ``queryset`` the user may know exist;
* ``can(user, action, obj)`` — whether the user may take ``action`` on ``obj`` (or, with
  ``obj=None``, on the kind of thing named by ``model``).

Each model has one :class:`Rule`, registered with :func:`rule_for`. A model with no rule is
visible to nobody. Decisions use the user's current memberships (organisation + role), the
object's owning organisation, partnerships and their information sharing agreements (ISAs).

Something a user may not see is not found (404), never forbidden (403): the answer must not
reveal that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    PartnershipInvitation,
    Role,
    Signatory,
    User,
)


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    ADMINISTER = "administer"  # use the back office (Django admin)


M = TypeVar("M", bound=Model)


@dataclass
class Standing:
    """What the policy knows about a user, worked out once per request."""

    authenticated: bool = False
    superuser: bool = False
    user_id: int | None = None  # for rules about a person's own records (authors, seats, actions)
    organisations: frozenset[int] = frozenset()
    roles: frozenset[tuple[int, str]] = frozenset()
    partnerships: frozenset[int] = frozenset()
    partner_organisations: frozenset[int] = field(default_factory=frozenset)

    def has_role(self, role: str, organisation_id: int | None = None) -> bool:
        if organisation_id is None:
            return any(r == role for _, r in self.roles)
        return (organisation_id, role) in self.roles

    def organisations_with_role(self, role: str) -> frozenset[int]:
        return frozenset(org for org, r in self.roles if r == role)


def current_memberships() -> Q:
    today = timezone.localdate()
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def standing(user: Any) -> Standing:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Standing()
    cached = getattr(user, "_convenor_standing", None)
    if cached is not None:
        return cached
    roles = frozenset(
        Membership.objects.filter(current_memberships(), user=user).values_list(
            "organisation_id", "role"
        )
    )
    organisations = frozenset(org for org, _ in roles)
    partnerships = frozenset(
        Partnership.objects.filter(organisations__in=organisations).values_list("id", flat=True)
    )
    partner_organisations = organisations | frozenset(
        Organisation.objects.filter(partnerships__in=partnerships).values_list("id", flat=True)
    )
    result = Standing(
        authenticated=True,
        superuser=user.is_superuser,
        user_id=user.pk,
        organisations=organisations,
        roles=roles,
        partnerships=partnerships,
        partner_organisations=partner_organisations,
    )
    user._convenor_standing = result
    return result


def forget(user: Any) -> None:
    """Drop the cached standing, e.g. after a membership changes."""
    if hasattr(user, "_convenor_standing"):
        del user._convenor_standing


class Rule:
    """How one model is seen and changed. Subclasses narrow; the base denies everything.

    Rules are consulted only for signed-in users unless ``public = True``: a public rule also
    answers for anonymous visitors (``standing.authenticated`` is False) and must check that itself.
    """

    public = False

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.none()

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW and obj is not None:
            return self.visible(s, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        return False

    def save_refusals(
        self, s: Standing, instance: Model, *, creating: bool, m2m: dict[str, Any]
    ) -> dict[str | None, str]:
        """Why ``instance`` may not be saved as it stands. By default: whatever ``can`` says of
        creating or changing the unsaved instance, whose fields already hold the new values."""
        action = Action.CREATE if creating else Action.CHANGE
        if self.can(s, action, instance):
            return {}
        return {None: f"You may not {action} this {type(instance)._meta.verbose_name}"}


class AdministeredRule(Rule):
    """Rows known within the user's standing, changed by partnership administrators.

    Superusers see every row; others those whose ``lookup`` is among the standing's ``within``
    ids (``lookup = "partnership"``, ``within = "partnerships"``). Viewing one row is the base
    check (it is visible); any other action on the kind needs a partnership administrator, and
    on one row whatever :meth:`administers` says."""

    lookup = "pk"
    within = "partnerships"

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(**{f"{self.lookup}__in": getattr(s, self.within)})

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return super().can(s, action, obj)
        if obj is None:
            return s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR)
        return self.administers(s, obj)

    def administers(self, s: Standing, obj: Model) -> bool:
        return s.superuser


_RULES: dict[type[Model], Rule] = {}


def rule_for(model: type[Model]) -> Callable[[type[Rule]], type[Rule]]:
    def register(rule_class: type[Rule]) -> type[Rule]:
        _RULES[model] = rule_class()
        return rule_class

    return register


def visible_where(model: type[Model], where: Callable[[Standing], Q]) -> None:
    """Register the rule of a model that is only ever read: its rows are visible where
    ``where(standing)`` holds, and nobody creates, changes or deletes one through the policy.
    ``visible_where(Reading, lambda s: originator_side(s, "report__"))``."""

    class WhereRule(Rule):
        def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
            return queryset.filter(where(s))

    WhereRule.__qualname__ = WhereRule.__name__ = f"{model.__name__}Rule"
    rule_for(model)(WhereRule)


def _rule(model: type[Model]) -> Rule:
    for klass in model.__mro__:
        if klass in _RULES:
            return _RULES[klass]
    return Rule()


def visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    s = standing(user)
    rule = _rule(queryset.model)
    if not s.authenticated and not rule.public:
        return queryset.none()
    return rule.visible(s, queryset)


def can(user: Any, action: Action | str, obj: Model | None = None, *, model=None) -> bool:
    s = standing(user)
    action = Action(action)
    if action == Action.ADMINISTER and obj is None and model is None:
        return s.authenticated and (s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR))
    target = type(obj) if obj is not None else model
    if target is None:
        return False
    rule = _rule(target)
    if not s.authenticated and not rule.public:
        return False
    return rule.can(s, action, obj)


def get_visible_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """The one record the user asked for, or 404 whether it is missing, hidden from them or
    asked for by a value that cannot be an id (``/agreements/null,null/``): a malformed key names
    no record, so it is not a server error."""
    try:
        return visible(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError) as missing:
        raise Http404("Not found") from missing


def member_party(organisations: Any, prefix: str = "") -> Q:
    """On agreements (reached through ``prefix``, e.g. ``"agreement__"``): one of
    ``organisations`` (an id, an organisation, an ``OuterRef`` or a collection of ids) is a party
    to the agreement **and** a member of the agreement's partnership.

    Every data rule that trusts ISA party status uses this, never ``parties`` alone: a party row
    naming an organisation outside the partnership (however it got there) shares nothing. Give
    it to one ``filter()`` call per organisation so both lookups share the same party join.
    """
    many = isinstance(organisations, (set, frozenset, list, tuple, QuerySet))
    return Q(
        **{
            f"{prefix}parties{'__in' if many else ''}": organisations,
            f"{prefix}parties__partnerships": F(f"{prefix}partnership"),
        }
    )


def agreements_covering(*organisations: Any, on=None) -> QuerySet:
    """Agreements in force today (or ``on``) to which each of ``organisations`` is a member
    party (see :func:`member_party`)."""
    agreements = InformationSharingAgreement.objects.current(on)
    for each in organisations:
        agreements = agreements.filter(member_party(each))
    return agreements


def sharing_permitted(
    from_organisation: Organisation, to_organisation: Organisation, on=None
) -> bool:
    """Whether information may pass between two organisations: both must be parties to an ISA
    that is in force today (or on ``on``), and members of its partnership."""
    if from_organisation.pk == to_organisation.pk:
        return True
    return agreements_covering(from_organisation.pk, to_organisation.pk, on=on).exists()


# --- Saving: the policy decides on the object as it would be saved --------------------------


class Refused(PermissionDenied):
    """A save the policy refuses; ``reasons`` maps a field name (or ``None``) to why."""

    def __init__(self, reasons: dict[str | None, str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons.values()))


def save_refusals(
    user: Any,
    instance: Model,
    *,
    creating: bool,
    m2m: dict[str, Any] | None = None,
) -> dict[str | None, str]:
    """Why ``user`` may not save ``instance`` as it stands (unsaved values included) with the
    many-to-many values ``m2m`` (field name -> the objects it will hold; a field left out keeps
    what it holds). Empty when the save is allowed. On a change, the stored row must also be
    one the user may change, so nothing moves out of another's hands by editing it."""
    s = standing(user)
    rule = _rule(type(instance))
    if not s.authenticated and not rule.public:
        return {None: "Sign in first"}
    if not creating:
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        if stored is None or not rule.can(s, Action.CHANGE, stored):
            return {None: "You may not change this"}
    return rule.save_refusals(s, instance, creating=creating, m2m=m2m or {})


def check_save(user: Any, instance: Model, *, creating: bool, m2m=None) -> None:
    """Raise :class:`Refused` unless :func:`save_refusals` finds nothing."""
    reasons = save_refusals(user, instance, creating=creating, m2m=m2m)
    if reasons:
        raise Refused(reasons)


def can_save(user: Any, instance: Model, *, creating: bool, m2m=None) -> bool:
    return not save_refusals(user, instance, creating=creating, m2m=m2m)


def _ids(objects: Any) -> set[int]:
    return {getattr(o, "pk", o) for o in objects}


def validate_save(user: Any, instance: Model, *, creating: bool, m2m=None) -> None:
    """:func:`save_refusals` as a ValidationError that forms and the API show against the field
    at fault (a reason with no field is a non-field error)."""
    reasons = save_refusals(user, instance, creating=creating, m2m=m2m)
    if reasons:
        raise DjangoValidationError(
            {field or NON_FIELD_ERRORS: why for field, why in reasons.items()}
        )


# --- Areas: what a user may choose -----------------------------------------------------------


def partnership_areas(s: Standing, kinds: tuple[str, ...] | None = None) -> QuerySet[Area]:
    """The current areas of the partnerships of ``s`` at every level, the areas pickers offer
    and the only ones a new choice may name: the areas the partnerships name, the local
    authorities within them (an upper tier's districts, a police force area's authorities, a
    region's police force areas' authorities), and those authorities' upper tiers and police
    force areas. Every current area for a superuser. ``kinds`` narrows to some of
    ``Area.Kind``. One query."""
    named = (
        Area.objects.all() if s.superuser else Area.objects.filter(partnerships__in=s.partnerships)
    )
    local = Area.objects.filter(
        Q(pk__in=named.filter(kind=Area.Kind.LOWER_TIER).values("pk"))
        | Q(parent__in=named.filter(kind=Area.Kind.UPPER_TIER).values("pk"))
        | Q(police_force_areas__in=named.filter(kind=Area.Kind.POLICE_FORCE).values("pk"))
        | Q(police_force_areas__parent__in=named.filter(kind=Area.Kind.REGION).values("pk"))
    ).values("pk")
    areas = Area.objects.current().filter(
        Q(pk__in=named.values("pk"))
        | Q(pk__in=local)
        | Q(children__in=local)
        | Q(local_authorities__in=local)
    )
    if kinds is not None:
        areas = areas.filter(kind__in=kinds)
    return Area.objects.filter(pk__in=areas.values("pk")).order_by("kind", "name")


def local_authorities_within(areas: QuerySet[Area]) -> QuerySet[Area]:
    """The current local authorities among ``areas`` or within one of them (a county's
    districts, a police force area's authorities, a region's police force areas')."""
    return Area.objects.current().filter(
        Q(pk__in=areas.values("pk"))
        | Q(parent__in=areas.values("pk"))
        | Q(police_force_areas__in=areas.values("pk"))
        | Q(police_force_areas__parent__in=areas.values("pk")),
        kind=Area.Kind.LOWER_TIER,
    )


def area_refusals(
    allowed: QuerySet[Area], chosen: Any, *, held: Any = (), field_name: str = "areas"
) -> dict[str | None, str]:
    """Why the areas ``chosen`` may not be saved: each one the record does not already hold
    (``held``: an existing record keeps its areas, abolished ones included) must be among
    ``allowed`` (usually :func:`partnership_areas`). Empty when all may be saved."""
    new = _ids(chosen) - _ids(held)
    if not new:
        return {}
    outside = new - set(allowed.filter(pk__in=new).values_list("pk", flat=True))
    if not outside:
        return {}
    names = sorted(Area.objects.filter(pk__in=outside).values_list("name", flat=True))
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    verb = "is" if len(names) == 1 else "are"
    return {
        field_name: f"Choose from the current areas of your partnerships: {listed} {verb} not "
        "among them"
    }


# --- Rules for the core models -------------------------------------------------------------


class ReferenceRule(Rule):
    """Reference data (geography, taxonomies): every signed-in user reads it, only operators
    change it. ``rule_for(Model)(ReferenceRule)`` registers it for another model."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return action == Action.VIEW or s.superuser


rule_for(Area)(ReferenceRule)  # public geography


@rule_for(Organisation)
class OrganisationRule(Rule):
    """Your own organisations and those you share a partnership with; nobody else's."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(pk__in=s.partner_organisations)

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or s.superuser or obj.pk in s.partner_organisations
        if action in (Action.CHANGE, Action.ADMINISTER) and obj is not None:
            return s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR, obj.pk)
        return s.superuser


@rule_for(User)
class PersonRule(Rule):
    """People who hold a current role in an organisation you may see, and yourself."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        people = Membership.objects.filter(
            current_memberships(), organisation__in=s.partner_organisations
        ).values("user_id")
        return queryset.filter(pk__in=people)


@rule_for(Membership)
class MembershipRule(AdministeredRule):
    lookup, within = "organisation", "partner_organisations"

    def administers(self, s: Standing, obj: Model) -> bool:
        return s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR, obj.organisation_id)


@rule_for(Partnership)
class PartnershipRule(AdministeredRule):
    """Only members of a partnership know it exists; its lead's administrators run it."""

    lookup, within = "pk", "partnerships"

    def administers(self, s: Standing, obj: Model) -> bool:
        return s.superuser or (
            obj.pk in s.partnerships
            and s.has_role(Role.PARTNERSHIP_ADMINISTRATOR, obj.lead_organisation_id)
        )

    def save_refusals(self, s, instance, *, creating, m2m):
        """A partnership is formed only with each member organisation's consent: its
        administrator may put in only organisations they administer (others are invited,
        see ``services.invite_organisation``); removing one is not consent-sensitive."""
        if s.superuser:
            return {}
        administered = s.organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
        members = set() if creating else _ids(instance.organisations.all())
        reasons = {}
        lead = instance.lead_organisation_id
        if lead not in administered and (creating or lead not in members):
            reasons["lead_organisation"] = (
                "The lead must be an organisation you administer, or already a member"
            )
        if "organisations" in m2m:
            needing_consent = _ids(m2m["organisations"]) - members - administered
            if needing_consent:
                names = Organisation.objects.filter(pk__in=needing_consent).values_list(
                    "name", flat=True
                )
                reasons["organisations"] = (
                    f"Only their own administrators can add {', '.join(sorted(names))}: "
                    "invite them from the partnership's page"
                )
        return reasons


@rule_for(InformationSharingAgreement)
class AgreementRule(AdministeredRule):
    lookup, within = "partnership", "partnerships"

    def administers(self, s: Standing, obj: Model) -> bool:
        return obj.partnership_id is not None and PartnershipRule().can(
            s, Action.CHANGE, obj.partnership
        )

    def save_refusals(self, s, instance, *, creating, m2m):
        """Agreements only for partnerships the user's organisation leads; parties only from
        that partnership's members; once anyone has signed, the words are fixed (ADR 0065)."""
        if not self.can(s, Action.CHANGE, instance):
            return {"partnership": "You may record agreements only for partnerships you lead"}
        if not creating and instance.signatories.exists():
            return {None: "A signed agreement cannot be changed: renew it instead"}
        if "parties" in m2m:
            parties = _ids(m2m["parties"])
        else:
            parties = set() if creating else _ids(instance.parties.all())
        outsiders = parties - _ids(instance.partnership.organisations.all())
        if outsiders:
            names = Organisation.objects.filter(pk__in=outsiders).values_list("name", flat=True)
            return {"parties": f"Not members of {instance.partnership}: {', '.join(names)}"}
        return {}


@rule_for(Signatory)
class SignatoryRule(AdministeredRule):
    """A party signs for itself (ADR 0065): only a partnership administrator of the signing
    organisation records its signature, never the lead on a partner's behalf."""

    lookup, within = "agreement__partnership", "partnerships"

    def administers(self, s: Standing, obj: Model) -> bool:
        return s.superuser or (
            obj.agreement_id is not None
            and obj.agreement.partnership_id in s.partnerships
            and s.has_role(Role.PARTNERSHIP_ADMINISTRATOR, obj.organisation_id)
        )

    def save_refusals(self, s, instance, *, creating, m2m):
        if instance.agreement_id is None:
            return {None: "Save the agreement first, then record who signed it"}
        if not self.can(s, Action.CHANGE, instance):
            return {"organisation": "Only the organisation's own administrators sign for it"}
        if not instance.agreement.parties.filter(pk=instance.organisation_id).exists():
            return {"organisation": "Only a party to the agreement signs it"}
        return {}


@rule_for(PartnershipInvitation)
class InvitationRule(Rule):
    """Seen by the partnership's members and by the invited organisation's people; sent and
    decided only through ``services`` (the invited organisation's administrators consent)."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(
            Q(partnership__in=s.partnerships) | Q(organisation__in=s.organisations)
        )


@rule_for(AuditEntry)
class AuditRule(Rule):
    """Auditors read what their organisation's people did and what was done to its records.
    Nobody changes the chain."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        mine = s.organisations_with_role(Role.AUDITOR)
        if not mine:
            return queryset.none()
        return queryset.filter(Q(actor_organisation__in=mine) | Q(owner_organisation__in=mine))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action != Action.VIEW:
            return False
        if obj is None:
            return s.superuser or s.has_role(Role.AUDITOR)
        return super().can(s, action, obj)
