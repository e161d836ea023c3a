"""Groups on top of the shared `world`: organisation A (own) and B (partner) are parties to the
current agreement of partnership `shared`; C (outside) is only in `elsewhere`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from convenor.core.models import Area
from convenor.groups.models import (
    Assessment,
    HarmCharacteristic,
    OrganisedCrimeGroup,
    ThreatArea,
)
from convenor.groups.reference import load as load_reference
from convenor.groups.services import scoring_model
from tests.factories import MembershipFactory, UserFactory


def area(code: str, name: str, kind: str = Area.Kind.LOWER_TIER, parent=None) -> Area:
    found, _ = Area.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent}
    )
    return found


def make_group(name, owner, *, partnership=None, officer, threat=("drugs-supply",), areas=()):
    group = OrganisedCrimeGroup.objects.create(
        name=name,
        owning_organisation=owner,
        partnership=partnership,
        lead_responsible_officer=officer,
        summary=f"{name}: invented for tests",
    )
    group.threat_areas.set(ThreatArea.objects.filter(code__in=threat))
    group.harm_characteristics.set(HarmCharacteristic.objects.filter(code="serious-violence"))
    group.areas.set(areas)
    return group


def assess(group, user, inputs, *, on=None, rationale="Because of the evidence"):
    """An assessment written straight to the database, scored by the configured model."""
    model = scoring_model()
    result = model.score(inputs)
    return Assessment.objects.create(
        group=group,
        assessed_on=on or datetime.date(2026, 1, 1),
        assessed_by=user,
        assessor_organisation=group.owning_organisation,
        rationale=rationale,
        inputs=inputs,
        score=result.score,
        band=result.band.code,
        band_label=result.band.label,
        breakdown={"raw": str(result.breakdown.raw)},
        model_version=model.version,
        model_snapshot=model.source,
    )


def inputs(impact=3, likelihood=3, capability=3, intent=3) -> dict[str, int]:
    values = {f"impact_{f.code}": impact for f in scoring_model().impact_factors}
    values.update(likelihood=likelihood, capability=capability, intent=intent)
    return values


@dataclass
class Groups:
    own: OrganisedCrimeGroup  # A's, shared in `shared`
    own_private: OrganisedCrimeGroup  # A's, not shared
    partner: OrganisedCrimeGroup  # B's, shared in `shared`
    partner_private: OrganisedCrimeGroup  # B's, not shared
    outside: OrganisedCrimeGroup  # C's, shared in `elsewhere`
    preston: Area
    birmingham: Area
    lancashire_utla: Area


@pytest.fixture
def groups(world) -> Groups:
    return build_groups(world)


def build_groups(world) -> Groups:
    load_reference(ThreatArea, HarmCharacteristic)
    lancashire = area("E10000017", "Lancashire", Area.Kind.UPPER_TIER)
    preston = area("E07000123", "Preston", parent=lancashire)
    birmingham = area("E08000025", "Birmingham")
    # The shared partnership works in Lancashire and Birmingham: pickers and rankings offer them.
    world.shared.areas.set([lancashire, birmingham])
    officer_b = UserFactory(username="partner-analyst")
    MembershipFactory(user=officer_b, organisation=world.partner, role="analyst")
    officer_c = UserFactory(username="outside-analyst")
    MembershipFactory(user=officer_c, organisation=world.outside, role="analyst")
    analyst = world.people["analyst"]
    result = Groups(
        own=make_group(
            "Own shared group",
            world.own,
            partnership=world.shared,
            officer=analyst,
            areas=[preston],
        ),
        own_private=make_group("Own private group", world.own, officer=analyst, areas=[preston]),
        partner=make_group(
            "Partner shared group",
            world.partner,
            partnership=world.shared,
            officer=officer_b,
            threat=("firearms",),
            areas=[birmingham],
        ),
        partner_private=make_group(
            "Partner private group", world.partner, officer=officer_b, areas=[birmingham]
        ),
        outside=make_group(
            "Outside group",
            world.outside,
            partnership=world.elsewhere,
            officer=officer_c,
            areas=[preston],
        ),
        preston=preston,
        birmingham=birmingham,
        lancashire_utla=lancashire,
    )
    for group in (result.own, result.partner, result.partner_private, result.outside):
        assess(group, group.lead_responsible_officer, inputs())
    return result


# --- The response: disruptions and orders written straight to the database -------------------


def make_disruption(group, recorder, *, on=None, kind="arrest", p="pursue", impact="moderate",
                    verified_by=None, partners=(), members=()):  # fmt: skip
    from django.utils import timezone

    from convenor.groups.models import Disruption, DisruptionImpact, DisruptionType

    disruption = Disruption.objects.create(
        group=group,
        occurred_on=on or datetime.date(2026, 1, 5),
        disruption_type=DisruptionType.objects.get(code=kind),
        p=p,
        lead_agency=group.owning_organisation,
        impact=DisruptionImpact.objects.get(code=impact),
        rationale="Invented for tests",
        recorded_by=recorder,
        verified_by=verified_by,
        verified_at=timezone.now() if verified_by else None,
    )
    disruption.contributing_partners.set(partners)
    disruption.members.set(members)
    return disruption


def make_order(group, officer, *, member=None, kind="scpo", made_on=None, expires_on=None):
    from convenor.groups.models import AncillaryOrder, GroupMember, OrderType

    member = member or GroupMember.objects.create(
        group=group, name="Order Subject", role="principal"
    )
    return AncillaryOrder.objects.create(
        group=group,
        order_type=OrderType.objects.get(code=kind),
        subject=member,
        court="Preston Crown Court",
        made_on=made_on or datetime.date(2025, 6, 1),
        expires_on=expires_on or datetime.date(2030, 5, 31),
        conditions=["Not to hold more than one phone"],
        monitoring_officer=officer,
        recorded_by=officer,
    )
