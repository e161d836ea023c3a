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
    assert Area.objects.filter(kind=Area.Kind.LOWER_TIER).count() == 331
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
