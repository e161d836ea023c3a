"""Information sharing agreements through their life (ADR 0065): recorded as a draft, edited while
nobody has signed, signed by each party's own administrator, renewed as a new version that
supersedes the old one. Re-exported from :mod:`convenor.core.services`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import access, audit
from .models import InformationSharingAgreement, Partnership, Signatory, User

LEAD_ONLY = "Only the lead organisation's partnership administrators can do this"


def _as_saved(actor: User, instance, *, creating: bool, m2m=None) -> None:
    """The policy's decision on ``instance`` as it would be saved, against the field at fault."""
    access.validate_save(actor, instance, creating=creating, m2m=m2m)


def _check_parties(parties: list) -> None:
    if len(parties) < 2:
        raise ValidationError({"parties": "An agreement needs at least two parties"})


@transaction.atomic
def create_agreement(
    actor: User, partnership: Partnership, fields: dict[str, Any]
) -> InformationSharingAgreement:
    """Record a new information sharing agreement (a draft until a party signs it).

    ``fields`` are already validated (by AgreementForm or the API serializer); every party must
    be a member of the partnership.
    """
    if not access.can(actor, access.Action.CHANGE, partnership):
        raise PermissionDenied(LEAD_ONLY)
    fields = dict(fields)
    parties = list(fields.pop("parties"))
    _check_parties(parties)
    agreement = InformationSharingAgreement(partnership=partnership, **fields)
    _as_saved(actor, agreement, creating=True, m2m={"parties": parties})
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(parties)
    audit.record(
        "agreement_created",
        actor=actor,
        obj=agreement,
        detail={"parties": [p.pk for p in parties], "review_date": agreement.review_date},
    )
    return agreement


def require_edit(actor: User, agreement: InformationSharingAgreement) -> None:
    """403 unless the actor may edit the agreement now (lead's administrators, nobody signed)."""
    if not access.can(actor, access.Action.CHANGE, agreement):
        raise PermissionDenied(LEAD_ONLY)
    if agreement.signatories.exists():
        raise PermissionDenied("A signed agreement cannot be changed: renew it instead")


@transaction.atomic
def change_agreement(
    actor: User, agreement: InformationSharingAgreement, fields: dict[str, Any]
) -> InformationSharingAgreement:
    """Edit a draft. What is shared under it (datasets) must still be covered afterwards."""
    agreement = InformationSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    require_edit(actor, agreement)
    fields = dict(fields)
    parties = list(fields.pop("parties", agreement.parties.all()))
    _check_parties(parties)
    before = {name: getattr(agreement, name) for name in fields}
    for name, value in fields.items():
        setattr(agreement, name, value)
    _as_saved(actor, agreement, creating=False, m2m={"parties": parties})
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(parties)
    uncovered = [why for _, _, why in _shared_under(agreement, agreement) if why]
    if uncovered:  # raising rolls the whole edit back
        raise ValidationError(
            {"parties": ["What is shared under it would no longer be covered:", *uncovered]}
        )
    changed = sorted(name for name, value in before.items() if value != fields[name])
    audit.record(
        "agreement_changed",
        actor=actor,
        obj=agreement,
        detail={"fields": changed, "parties": [p.pk for p in parties]},
    )
    return agreement


def organisations_to_sign(actor: User, agreement: InformationSharingAgreement) -> list:
    """The parties the actor may sign for that have not signed yet ("Sign" shows when any)."""
    signed = set(agreement.signatories.values_list("organisation_id", flat=True))
    administered = access.standing(actor).organisations_with_role("partnership_administrator")
    if agreement.partnership_id not in access.standing(actor).partnerships:
        return []
    return [
        party
        for party in agreement.parties.filter(pk__in=administered).order_by("name")
        if party.pk not in signed
    ]


@transaction.atomic
def sign_agreement(actor: User, agreement: InformationSharingAgreement, **fields: Any) -> Signatory:
    """A party signs: its own administrator, in the name and position given, today."""
    agreement = InformationSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.superseded_by_id:
        raise ValidationError("This agreement has been renewed: sign the renewal instead")
    organisation = fields.get("organisation")
    if (
        organisation is not None
        and agreement.signatories.filter(organisation=organisation).exists()
    ):
        raise ValidationError({"organisation": f"{organisation} has already signed"})
    signatory = Signatory(
        agreement=agreement,
        signed_on=timezone.localdate(),
        signed_by=actor,
        signed_at=timezone.now(),
        **fields,
    )
    _as_saved(actor, signatory, creating=True)
    signatory.full_clean()
    signatory.save()
    audit.record(
        "agreement_signed",
        actor=actor,
        obj=agreement,
        detail={
            "organisation": signatory.organisation_id,
            "name": signatory.name,
            "position": signatory.position,
        },
    )
    return signatory


# --- Renewal ---------------------------------------------------------------------------------


@dataclass
class Renewal:
    agreement: InformationSharingAgreement
    carried_over: list[str] = field(default_factory=list)
    not_carried_over: list[str] = field(default_factory=list)


def _agreement_keys() -> list[models.ForeignKey]:
    """Every foreign key from another model to an agreement: what is shared *under* one
    (threat datasets today), found from the models so a new one is carried over too."""
    return [
        relation.field
        for relation in InformationSharingAgreement._meta.related_objects
        if relation.one_to_many
        and relation.related_model not in (Signatory, InformationSharingAgreement)
    ]


def _label(row) -> str:
    return f"{row._meta.verbose_name.capitalize()} “{row}”"


def _shared_under(
    agreement: InformationSharingAgreement, renewal: InformationSharingAgreement
) -> list[tuple[models.ForeignKey, Any, str]]:
    """Each row shared under ``agreement``, and why ``renewal`` would not cover it ("" when it
    would): the row's own ``clean()`` decides, with the renewal in place of the agreement."""
    found = []
    for key in _agreement_keys():
        for row in key.model._default_manager.filter(**{key.name: agreement}):
            setattr(row, key.name, renewal)
            try:
                row.clean()
            except ValidationError as problem:
                found.append((key, row, f"{_label(row)}: {' '.join(problem.messages)}"))
            else:
                found.append((key, row, ""))
    return found


def _groups_left_out(old, renewal) -> list[str]:
    """Groups shared in the partnership by an organisation that is no longer a party: their
    sharing stops when the old agreement ends (groups follow the partnership's agreement)."""
    if not apps.is_installed("convenor.groups"):
        return []
    dropped = set(old.parties.values_list("pk", flat=True)) - set(
        renewal.parties.values_list("pk", flat=True)
    )
    groups = apps.get_model("groups", "OrganisedCrimeGroup")._default_manager.filter(
        partnership=old.partnership_id, owning_organisation__in=dropped
    )
    return [
        f"{_label(group)}: {group.owning_organisation} is not a party to the renewal"
        for group in groups.select_related("owning_organisation")
    ]


def require_renew(actor: User, agreement: InformationSharingAgreement) -> None:
    if not access.can(actor, access.Action.CHANGE, agreement):
        raise PermissionDenied(LEAD_ONLY)
    if agreement.superseded_by_id:
        raise PermissionDenied("This agreement has already been renewed")


def renewal_initial(agreement: InformationSharingAgreement) -> dict[str, Any]:
    """The renewal form starts from the old agreement's terms, starting today."""
    initial = {
        name: getattr(agreement, name) for name in InformationSharingAgreement.RECORDED_FIELDS
    }
    initial["parties"] = list(agreement.parties.all())
    length = agreement.review_date - agreement.starts_on
    initial["starts_on"] = timezone.localdate()
    initial["review_date"] = initial["starts_on"] + length
    return initial


@transaction.atomic
def renew_agreement(
    actor: User, agreement: InformationSharingAgreement, fields: dict[str, Any]
) -> Renewal:
    """A new version superseding ``agreement``: the old one ends the day before the renewal
    starts. Datasets shared under the old one move to the renewal when it still covers them;
    the rest stay on the old one (their sharing ends with it) and are listed."""
    agreement = InformationSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    require_renew(actor, agreement)
    starts_on = fields.get("starts_on")
    if starts_on is not None:
        errors = []
        if starts_on > timezone.localdate():
            # Carried-over datasets must never be left without an agreement in force.
            errors.append("A renewal starts today or earlier: record it when it takes effect")
        if starts_on < agreement.starts_on + datetime.timedelta(days=2):
            earliest = agreement.starts_on + datetime.timedelta(days=2)
            errors.append(f"A renewal starts on {earliest:%-d %B %Y} or later")
        if errors:
            raise ValidationError({"starts_on": errors})
    renewal = create_agreement(actor, agreement.partnership, fields)
    original_review_date = agreement.review_date
    ends_on = min(agreement.review_date, renewal.starts_on - datetime.timedelta(days=1))
    InformationSharingAgreement.objects.filter(pk=agreement.pk).update(
        superseded_by=renewal, review_date=ends_on
    )
    result = Renewal(renewal)
    for key, row, why in _shared_under(agreement, renewal):
        if why:
            result.not_carried_over.append(why)
        else:
            key.model._default_manager.filter(pk=row.pk).update(**{key.name: renewal})
            result.carried_over.append(_label(row))
    result.not_carried_over += _groups_left_out(agreement, renewal)
    audit.record(
        "agreement_renewed",
        actor=actor,
        obj=agreement,
        detail={
            "renewal": renewal.pk,
            "ended_on": ends_on,
            "review_date_was": original_review_date,
            "carried_over": result.carried_over,
            "not_carried_over": result.not_carried_over,
        },
    )
    return result


def still_shared_under(user: User, agreement: InformationSharingAgreement) -> list[str]:
    """What is still shared under a superseded agreement (not carried over to its renewal), for
    its page: what the user may see by name, the rest as a count."""
    if not agreement.superseded_by_id:
        return []
    rows, hidden = [], 0
    for key in _agreement_keys():
        queryset = key.model._default_manager.filter(**{key.name: agreement})
        shown = [_label(row) for row in access.visible(user, queryset)]
        rows += shown
        hidden += queryset.count() - len(shown)
    if hidden:
        rows.append(f"{hidden} more that you may not see")
    return rows
