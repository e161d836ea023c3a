"""One selector gives pickers the areas of the user's partnerships at every level (issue 13
item 3): local authorities, their upper tiers and police force areas, current only."""

import datetime

from convenor.core.models import Area
from convenor.core.selectors import areas_for_user
from convenor.groups.forms import GroupForm


def _lancashire():
    county = Area.objects.create(code="E10000017", name="Lancashire", kind="utla")
    preston = Area.objects.create(code="E07000123", name="Preston", kind="ltla", parent=county)
    chorley = Area.objects.create(code="E07000118", name="Chorley", kind="ltla", parent=county)
    force = Area.objects.create(code="E23000003", name="Lancashire PFA", kind="pfa")
    force.local_authorities.set([preston, chorley])
    abolished = Area.objects.create(
        code="E07000999",
        name="Old District",
        kind="ltla",
        parent=county,
        ended_on=datetime.date(2023, 3, 31),
    )
    force.local_authorities.add(abolished)
    Area.objects.create(code="E07000001", name="Elsewhere", kind="ltla")
    return county, preston, chorley, force


def test_a_partnership_naming_one_district_gets_every_level(world):
    county, preston, chorley, force = _lancashire()
    world.shared.areas.set([preston])
    areas = set(areas_for_user(world.people["analyst"]).values_list("code", flat=True))
    assert areas == {"E07000123", "E10000017", "E23000003"}


def test_a_police_force_area_brings_its_authorities_and_their_county_current_only(world):
    county, preston, chorley, force = _lancashire()
    world.shared.areas.set([force])
    user = world.people["partner_person"]
    assert set(areas_for_user(user).values_list("code", flat=True)) == {
        "E23000003",
        "E07000123",
        "E07000118",
        "E10000017",
    }
    local = areas_for_user(user, kinds=("ltla",))
    assert list(local.values_list("name", flat=True)) == ["Chorley", "Preston"]


def test_outsiders_get_none_of_it(world):
    _lancashire()
    world.shared.areas.set(Area.objects.filter(kind="pfa"))
    assert not areas_for_user(world.people["outside_person"]).exists()


def test_the_group_form_offers_the_partnerships_local_authorities(world):
    county, preston, chorley, force = _lancashire()
    world.shared.areas.set([county])
    form = GroupForm(user=world.people["analyst"])
    assert list(form.fields["areas"].queryset.values_list("code", flat=True)) == [
        "E07000118",
        "E07000123",
    ]
