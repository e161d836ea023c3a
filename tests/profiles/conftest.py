"""Profile fixtures: Preston (the real ONS codes) with a small hand-made outline, and a profile
of it owned by organisation A in the shared partnership of the ``world`` fixture."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from convenor.core.models import Area
from convenor.profiles import services
from convenor.profiles.models import AreaOutline

PRESTON = "E07000123"
# A 3 x 2 block of 1 km squares around Preston city centre (SD 52 29 to SD 54 30).
OUTLINE_SQUARES = [[e, n] for e in (352000, 353000, 354000) for n in (429000, 430000)]


@pytest.fixture
def preston(world) -> Area:
    return make_preston(world)


def make_preston(world=None) -> Area:
    """Preston, Chorley, Lancashire (upper tier and force area) and small outlines; the
    ``world``'s partnerships (when given) work in Lancashire, so profiles may cover them."""
    lancashire = Area.objects.create(code="E10000017", name="Lancashire", kind="utla")
    preston = Area.objects.create(code=PRESTON, name="Preston", kind="ltla", parent=lancashire)
    chorley = Area.objects.create(code="E07000118", name="Chorley", kind="ltla", parent=lancashire)
    force = Area.objects.create(code="E23000003", name="Lancashire", kind="pfa")
    force.local_authorities.set([preston, chorley])
    if world is not None:
        world.shared.areas.set([lancashire])
        world.elsewhere.areas.set([lancashire])
    AreaOutline.objects.create(
        area=preston,
        grid_metres=1000,
        squares=OUTLINE_SQUARES,
        min_easting=352000,
        min_northing=429000,
        max_easting=354999,
        max_northing=430999,
        postcode_count=6,
        source="Test outline",
    )
    AreaOutline.objects.create(
        area=chorley,
        grid_metres=1000,
        squares=[[358000, 418000]],
        min_easting=358000,
        min_northing=418000,
        max_easting=358999,
        max_northing=418999,
        postcode_count=1,
        source="Test outline",
    )
    return preston


@dataclass
class ProfileWorld:
    world: object
    preston: Area
    profile: object
    outside_profile: object


@pytest.fixture
def profiles(world, preston) -> ProfileWorld:
    return build_profiles(world, preston)


def build_profiles(world, preston) -> ProfileWorld:
    analyst = world.people["analyst"]
    profile = services.create_profile(analyst, world.shared, [PRESTON])
    outside_analyst = world.people["outside_person"]
    from tests.factories import MembershipFactory

    MembershipFactory(user=outside_analyst, organisation=world.outside, role="analyst")
    from convenor.core.access import forget

    forget(outside_analyst)
    outside_profile = services.create_profile(outside_analyst, world.elsewhere, [PRESTON])
    return ProfileWorld(world, preston, profile, outside_profile)


def build(user, profile, period="2025Q4"):
    version = services.request_build(user, profile, period, background=False)
    return services.run_build(version.pk)
