"""A board's areas are chosen from the current areas of the user's partnerships at every level
(issue 13 item 3); the service refuses any other new area even on a forged form, and a board
keeps (and shows) the areas it holds, abolished ones included."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from convenor.core.selectors import areas_for_user
from convenor.governance import services
from convenor.governance.forms import BoardChangeForm, BoardForm
from convenor.governance.models import Board
from tests.conftest import verified_login
from tests.factories import lancashire_areas


@pytest.fixture
def places(world):
    found = lancashire_areas()
    world.shared.areas.set([found.preston])
    world.elsewhere.areas.set([found.birmingham])
    return found


@pytest.fixture
def admin_client(client, world):
    return verified_login(client, world.people["partnership_administrator"])


def _board_form(world, **overrides):
    data = {
        "name": "Own Local Policing and Crime Board",
        "slug": "own-lpcb",
        "kind": "lpcb",
        "partnership": world.shared.pk,
        "organisation": world.own.pk,
        "terms_of_reference": "The focal point for SOC partnership work",
        "meeting_frequency": "quarterly",
        "quorum": "1",
        "priorities": ["soc-pursue"],
        "threat_areas": ["drugs-supply"],
    }
    data.update(overrides)
    return data


def _options(page: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*name="areas".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select))


def test_the_board_form_offers_every_level_of_the_users_partnerships(world, places):
    admin = world.people["partnership_administrator"]
    choices = dict(BoardForm(user=admin).fields["areas"].choices)
    assert set(choices) == set(areas_for_user(admin).values_list("code", flat=True))
    assert set(choices.values()) == {
        "Preston (local authority)",
        "Lancashire (county)",
        "Lancashire (police force area)",
    }
    outsider = world.people["outside_person"]
    assert set(dict(BoardForm(user=outsider).fields["areas"].choices)) == {
        "E08000025",
        "E23000014",
    }


def test_a_board_is_set_up_for_areas_chosen_from_the_list(admin_client, world, places):
    assert set(_options(admin_client.get("/governance/boards/new/").content.decode())) == {
        "E07000123",
        "E10000017",
        "E23000003",
    }
    response = admin_client.post(
        "/governance/boards/new/", _board_form(world, areas=["E10000017", "E23000003"])
    )
    assert response.status_code == 302
    board = Board.objects.get(slug="own-lpcb")
    assert set(board.areas.values_list("code", flat=True)) == {"E10000017", "E23000003"}


@pytest.mark.parametrize("code", ["E08000025", "E07000999", "E23000014"])
def test_a_forged_board_form_with_an_outside_area_saves_nothing(admin_client, world, places, code):
    response = admin_client.post("/governance/boards/new/", _board_form(world, areas=[code]))
    assert response.status_code == 400
    assert "is not one of the current areas of your partnerships" in response.content.decode()
    assert not Board.objects.filter(slug="own-lpcb").exists()


def test_the_service_refuses_an_outside_area_on_creating_and_changing(world, places, gov):
    admin = world.people["partnership_administrator"]
    fields = {
        "name": "Direct board",
        "slug": "direct-board",
        "kind": Board.Kind.CSP,
        "terms_of_reference": "Direct",
        "meeting_frequency": Board.Frequency.QUARTERLY,
        "quorum": 1,
    }
    with pytest.raises(ValidationError) as problem:
        services.create_board(
            admin,
            partnership=world.shared,
            organisation=world.own,
            areas=[places.preston, places.birmingham],
            **fields,
        )
    assert "Birmingham is not among them" in problem.value.message_dict["areas"][0]
    assert not Board.objects.filter(slug="direct-board").exists()
    with pytest.raises(ValidationError):
        services.update_board(admin, gov.board, areas=[places.birmingham], quorum=3)
    gov.board.refresh_from_db()
    assert gov.board.quorum != 3 and not gov.board.areas.exists()


def test_a_board_keeps_and_shows_an_area_since_abolished(admin_client, world, places, gov):
    gov.board.areas.set([places.ended, places.preston])
    admin = world.people["partnership_administrator"]
    form = BoardChangeForm(board=gov.board, user=admin)
    choices = dict(form.fields["areas"].choices)
    assert choices["E07000999"] == "Old District (local authority, ended 31 March 2023)"
    assert "E08000025" not in choices
    page = admin_client.get(f"/governance/boards/{gov.board.slug}/change/").content.decode()
    assert re.search(r'<option value="E07000999"[^>]*selected', page)
    services.update_board(admin, gov.board, areas=[places.ended, places.county], quorum=2)
    assert set(gov.board.areas.values_list("code", flat=True)) == {"E07000999", "E10000017"}
    assert (
        "Old District" in admin_client.get(f"/governance/boards/{gov.board.slug}/").content.decode()
    )
