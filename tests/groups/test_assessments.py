"""Assessments: recorded on the page and through the API with the configured model, kept as a
history that is never rewritten, the current band shown on the group; bad input changes nothing."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.groups import services
from convenor.groups.models import Assessment
from convenor.groups.scoring import DEFAULT_MODEL_PATH
from tests.conftest import verified_login
from tests.groups.conftest import assess, inputs


def _post(client, group, **overrides):
    data = {**inputs(impact=3, likelihood=4, capability=4, intent=5)}
    data.update(assessed_on="2026-06-01", rationale="Test purchases and two stabbings in May.")
    data.update(overrides)
    return client.post(f"/groups/{group.pk}/assessments/new/", {k: v for k, v in data.items()})


def test_an_analyst_records_an_assessment_and_the_band_shows_on_the_group(client, world, groups):
    verified_login(client, world.people["analyst"])
    response = _post(client, groups.own_private)
    assert response.status_code == 302
    assessment = groups.own_private.assessments.get()
    assert assessment.score == Decimal("58.5") and assessment.band == "2"
    assert assessment.assessed_by == world.people["analyst"]
    assert assessment.assessor_organisation == world.own
    assert assessment.model_version == "convenor-ocg-1"
    assert assessment.model_snapshot["capability"]["weight"] == 5
    assert assessment.breakdown["raw"] == "117" and assessment.breakdown["raw_max"] == "200"
    page = client.get(f"/groups/{groups.own_private.pk}/").content.decode()
    assert "Band 2 (medium)" in page and "score 58.5 out of 100" in page
    assert "Test purchases and two stabbings in May." in page
    entry = AuditEntry.objects.get(action="group_assessed")
    assert entry.detail["score"] == "58.5" and entry.owner_organisation == world.own
    detail = client.get(f"/groups/{groups.own_private.pk}/assessments/{assessment.pk}/")
    assert (
        "Physical harm" in detail.content.decode() and "117 out of 200" in detail.content.decode()
    )


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"rationale": "   "}, "rationale", "Explain why: the evidence and judgement"),
        ({"likelihood": ""}, "likelihood", "Choose a score for likelihood"),
        ({"likelihood": "9"}, "likelihood", "Choose a score for likelihood from the list"),
        ({"impact_financial": "-1"}, "impact_financial", "Choose a score for financial harm"),
        ({"assessed_on": "2999-01-01"}, "assessed_on", "cannot be in the future"),
        ({"assessed_on": "31/02/2026"}, "assessed_on", "Enter the date of assessment as a real"),
        ({"assessed_on": ""}, "assessed_on", "Enter the date of assessment"),
    ],
)
def test_bad_assessments_are_explained_and_nothing_is_recorded(
    client, world, groups, overrides, field, message
):
    verified_login(client, world.people["analyst"])
    response = _post(client, groups.own_private, **overrides)
    assert response.status_code == 400  # the form again, with the error summary
    assert message in response.context["form"].errors[field][0]
    assert not groups.own_private.assessments.exists()
    assert not AuditEntry.objects.filter(action="group_assessed").exists()


def test_history_is_kept_latest_first_and_the_current_band_is_the_latest(world, groups):
    analyst = world.people["analyst"]
    group = groups.own_private
    first = services.record_assessment(
        analyst,
        group,
        inputs=inputs(5, 5, 5, 5),
        rationale="Violent expansion",
        assessed_on=datetime.date(2026, 1, 10),
    )
    third = services.record_assessment(
        analyst,
        group,
        inputs=inputs(1, 2, 1, 1),
        rationale="Principal remanded; line closed",
        assessed_on=datetime.date(2026, 9, 1),
    )
    # Recorded later but dated between the two: history follows the assessment dates.
    second = services.record_assessment(
        analyst,
        group,
        inputs=inputs(3, 3, 3, 3),
        rationale="Partial disruption",
        assessed_on=datetime.date(2026, 5, 1),
    )
    assert list(group.assessments.all()) == [third, second, first]
    assert group.current_assessment() == third
    annotated = type(group).objects.with_current_assessment().get(pk=group.pk)
    assert annotated.current_band == third.band == "3"
    first.refresh_from_db()
    assert first.score == Decimal("100.0") and first.rationale == "Violent expansion"


def test_an_assessment_is_never_changed_or_deleted(world, groups):
    assessment = groups.own.assessments.get()
    assessment.score = Decimal("1.0")
    with pytest.raises(ValidationError, match="never changed"):
        assessment.save()
    with pytest.raises(ValidationError, match="never deleted"):
        assessment.delete()
    api = APIClient()
    api.force_authenticate(world.people["partnership_administrator"])
    url = f"/api/v1/group-assessments/{assessment.pk}/"
    assert api.patch(url, {"rationale": "x"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_rewrite_an_assessment(world, groups):
    from django.db import DatabaseError, transaction

    assessment = groups.own.assessments.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE groups_assessment SET score = 1 WHERE id = %s", [assessment.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).delete()


def test_a_partnership_variant_of_the_model_is_used_and_old_scores_stay(tmp_path, world, groups):
    before = groups.own.assessments.get()
    config = yaml.safe_load(DEFAULT_MODEL_PATH.read_text())
    variant = copy.deepcopy(config)
    variant["version"] = "preston-variant-2"
    variant["capability"]["weight"] = 10
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(variant))
    with override_settings(CONVENOR_GROUPS_SCORING_MODEL=str(path)):
        assessment = services.record_assessment(
            world.people["analyst"],
            groups.own,
            inputs=inputs(3, 4, 4, 5),
            rationale="Rescored under the partnership's model",
        )
    assert assessment.model_version == "preston-variant-2"
    assert assessment.score == Decimal("60.9") and assessment.band == "1"
    again = Assessment.objects.get(pk=before.pk)
    assert (again.score, again.model_version) == (before.score, "convenor-ocg-1")


def test_api_assessment_with_bad_inputs_names_the_input(world, groups):
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    bad = {**inputs(), "likelihood": 7}
    response = api.post(
        "/api/v1/group-assessments/",
        {"group": groups.own.pk, "inputs": bad, "rationale": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"likelihood": ["Likelihood must be between 1 and 5"]}
    missing = {k: v for k, v in inputs().items() if k != "intent"}
    response = api.post(
        "/api/v1/group-assessments/",
        {"group": groups.own.pk, "inputs": missing, "rationale": "x"},
        format="json",
    )
    assert response.json() == {"intent": ["Choose a score for intent"]}
    response = api.post(
        "/api/v1/group-assessments/",
        {"group": groups.own.pk, "inputs": inputs(), "rationale": ""},
        format="json",
    )
    assert "rationale" in response.json()
    assert groups.own.assessments.count() == 1


def test_api_history_and_current_assessment(world, groups):
    analyst = world.people["analyst"]
    assess(groups.own, analyst, inputs(5, 5, 5, 5), on=datetime.date(2026, 3, 1))
    api = APIClient()
    api.force_authenticate(world.people["board_member"])
    history = api.get("/api/v1/group-assessments/", {"group": groups.own.pk}).json()["results"]
    assert [a["assessed_on"] for a in history] == ["2026-03-01", "2026-01-01"]
    assert history[0]["score"] == "100.0" and history[0]["assessed_by"] == analyst.username
    group = api.get(f"/api/v1/groups/{groups.own.pk}/").json()
    assert group["current_assessment"]["band"] == "1"
    assert group["current_assessment"]["assessed_on"] == "2026-03-01"


def test_the_form_starts_from_the_current_scores(client, world, groups):
    verified_login(client, world.people["analyst"])
    page = client.get(f"/groups/{groups.own.pk}/assessments/new/").content.decode()
    assert 'id="id_likelihood_2" name="likelihood" type="radio" value="3" checked' in page
    empty = client.get(f"/groups/{groups.own_private.pk}/assessments/new/").content.decode()
    assert " checked" not in empty
