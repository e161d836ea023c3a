"""Creating and building profiles: figures, progress, failure, audit, the background build from
the page, the command line, the public summary and version comparison."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from convenor.core.models import AuditEntry
from convenor.core.selectors import areas_for_user
from convenor.profiles import services
from convenor.profiles.forms import ProfileForm
from convenor.profiles.models import Profile, ProfileVersion, PublicSummary
from convenor.profiles.selectors import profile_area_choices
from tests.factories import lancashire_areas
from tests.profiles.conftest import PRESTON, build


def test_profile_of_a_police_force_area_covers_its_local_authorities(world, preston):
    profile = services.create_profile(world.people["analyst"], world.shared, ["e23000003"])
    assert profile.area_codes == "E07000118,E07000123"
    assert profile.owner_organisation == world.own
    assert profile.title == "SOC local profile: Chorley, Preston"
    assert AuditEntry.objects.filter(action="profile_created", object_id=str(profile.pk)).exists()


@pytest.mark.parametrize(
    "codes,message",
    [
        ([], "Choose at least one local authority"),
        (["E99999999"], "Not an ONS area code: E99999999"),
    ],
)
def test_bad_areas_are_refused_naming_the_field(world, preston, codes, message):
    with pytest.raises(ValidationError) as problem:
        services.create_profile(world.people["analyst"], world.shared, codes)
    assert message in problem.value.message_dict["areas"][0]
    assert not Profile.objects.exists()


def test_one_profile_per_area_per_partnership(profiles):
    with pytest.raises(ValidationError, match="already has a profile"):
        services.create_profile(profiles.world.people["analyst"], profiles.world.shared, [PRESTON])


@pytest.mark.parametrize("role", ["practitioner", "board_member", "auditor"])
def test_only_analysts_and_administrators_create_and_build(world, preston, profiles, role):
    user = world.people[role]
    with pytest.raises(PermissionDenied):
        services.create_profile(user, world.shared, ["E07000118"])
    with pytest.raises(PermissionDenied):
        services.request_build(user, profiles.profile, "2025Q4", background=False)
    assert not ProfileVersion.objects.exists()


def test_bad_period_is_refused_and_nothing_is_queued(profiles):
    with pytest.raises(ValidationError) as problem:
        services.request_build(profiles.world.people["analyst"], profiles.profile, "2025Q9")
    assert "2025Q4" in problem.value.message_dict["period"][0]
    assert not ProfileVersion.objects.exists()


def test_build_freezes_figures_with_sources_and_records_progress(profiles):
    from convenor.core.models import Area

    analyst = profiles.world.people["analyst"]
    # The partner council works across the force area that contains Preston; the outsider,
    # though it works there, is not in the partnership.
    profiles.world.partner.areas.set(Area.objects.filter(code="E23000003"))
    profiles.world.outside.areas.set(Area.objects.filter(code=PRESTON))
    seen = []
    version = services.request_build(analyst, profiles.profile, "2025Q4", background=False)
    assert version.status == "queued" and version.number == 1
    version = services.run_build(version.pk, progress=lambda p, s: seen.append((p, s)))
    assert version.status == "built" and version.progress == 100 and version.built_at
    assert seen[0][0] == 0 and seen[-1] == (100, "Done")
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)
    figures = version.figures
    assert figures["period"] == "2025Q4"
    assert figures["period_start"] == "2025-10-01" and figures["period_end"] == "2025-12-31"
    area = figures["sections"]["area"]
    assert area["figures"]["local_authorities"] == [
        {
            "code": PRESTON,
            "name": "Preston",
            "upper_tier": "Lancashire",
            "police_force_areas": ["Lancashire"],
        }
    ]
    assert area["figures"]["agreements"][0]["title"] == "Shared ISA"
    assert area["figures"]["partners_working_here"] == ["Partner Council"]
    assert any(s["kind"] == "reference" for s in area["sources"])
    map_ = figures["sections"]["map"]["figures"]
    assert len(map_["outline"]) == 6
    assert figures["response"]["level"] in ("standard", "enhanced", "priority")
    assert version.response_level == figures["response"]["level"]
    entry = AuditEntry.objects.filter(action="profile_built").get()
    assert entry.detail["version"] == 1 and entry.actor == analyst
    assert entry.owner_organisation == profiles.world.own


def test_versions_number_up_and_old_figures_never_change(profiles):
    analyst = profiles.world.people["analyst"]
    first = build(analyst, profiles.profile, "2025Q3")
    frozen = dict(first.figures)
    second = build(analyst, profiles.profile, "2025Q4")
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.figures == frozen
    assert profiles.profile.latest_built() == second


def test_a_failed_build_is_recorded_with_its_reason(profiles, monkeypatch):
    from convenor.profiles import services as svc

    def broken(**kwargs):
        raise RuntimeError("the source database went away")

    monkeypatch.setattr(svc, "build_figures", broken)
    version = build(profiles.world.people["analyst"], profiles.profile)
    assert version.status == "failed"
    assert "the source database went away" in version.error
    assert version.figures == {}
    assert AuditEntry.objects.filter(action="profile_build_failed").exists()


def test_building_from_the_page_runs_in_the_background_and_shows_progress(
    client, login, profiles, django_capture_on_commit_callbacks
):
    login(profiles.world.people["analyst"])
    url = profiles.profile.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"period": "2025Q4"})
    version = ProfileVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    page = client.get(version.get_absolute_url())
    assert b"data-profile-building" in page.content and b"Waiting to start" in page.content
    assert b"progress.js" in page.content
    for callback in callbacks:  # the commit starts the build (inline in tests)
        callback()
    version.refresh_from_db()
    assert version.status == "built"
    page = client.get(version.get_absolute_url())
    assert b"data-profile-building" not in page.content
    assert b"Preston" in page.content and b"Response level" not in page.content[:0]


def test_bad_period_on_the_page_is_explained(client, login, profiles):
    login(profiles.world.people["analyst"])
    response = client.post(profiles.profile.get_absolute_url(), {"period": "last quarter"})
    assert response.status_code == 400
    assert "is not a period: enter a quarter like 2025Q4" in response.content.decode()
    assert not ProfileVersion.objects.exists()


def test_create_page_builds_the_first_version(
    client, login, world, preston, django_capture_on_commit_callbacks
):
    login(world.people["analyst"])
    assert client.get("/profiles/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/profiles/new/",
            {"partnership": world.shared.pk, "areas": "E07000123", "period": "2025Q4"},
        )
    version = ProfileVersion.objects.get()
    assert response["Location"] == version.get_absolute_url()
    assert version.status == "built"


def test_create_page_explains_bad_areas(client, login, world, preston):
    login(world.people["analyst"])
    response = client.post("/profiles/new/", {"partnership": world.shared.pk, "period": "2025Q4"})
    assert "Choose at least one area the profile covers" in response.content.decode()
    response = client.post(
        "/profiles/new/",
        {"partnership": world.shared.pk, "areas": "E99999999", "period": "2025Q4"},
    )
    assert "“E99999999” is not one of the current areas of your partnerships" in (
        response.content.decode()
    )
    assert response.status_code == 400
    assert not Profile.objects.exists()


def test_reading_a_version_is_audited(client, login, profiles):
    version = build(profiles.world.people["analyst"], profiles.profile)
    reader = profiles.world.people["partner_person"]
    login(reader)
    assert client.get(version.get_absolute_url()).status_code == 200
    assert AuditEntry.objects.filter(action="profile_read", actor=reader).exists()


def test_command_line_build_with_progress_bar(profiles, capsys):
    call_command(
        "profile",
        "build",
        "--area",
        PRESTON,
        "--period",
        "2025Q4",
        "--user",
        profiles.world.people["analyst"].username,
    )
    out, err = capsys.readouterr()
    assert "Built version 1" in out
    assert "100%" in err  # the tqdm bar
    assert ProfileVersion.objects.get().status == "built"


@pytest.mark.parametrize(
    "args,message",
    [
        (["--period", "2025Q4", "--area", PRESTON], "Say who builds it"),
        (["--period", "2025Q9", "--area", PRESTON, "--user", "own-analyst"], "2025Q4"),
        (["--period", "2025Q4", "--area", "E99999999", "--user", "own-analyst"], "E99999999"),
        (["--period", "2025Q4", "--area", PRESTON, "--user", "nobody"], "No active user"),
        (
            ["--period", "2025Q4", "--area", PRESTON, "--user", "own-practitioner"],
            "Only analysts",
        ),
    ],
)
def test_command_line_bad_input(profiles, args, message, monkeypatch):
    monkeypatch.delenv("CONVENOR_USER", raising=False)
    with pytest.raises(CommandError, match=message):
        call_command("profile", "build", *args)
    assert not ProfileVersion.objects.exists()


def test_check_config_command(tmp_path, capsys):
    call_command("profile", "check-config", "src/convenor/profiles/reference/profile.yaml")
    assert "is a valid profile configuration" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("suppression: {threshold: 4}\nmap: {grid_metres: 1000}\ntrend_quarters: 4\n")
    with pytest.raises(CommandError, match="response_levels is missing"):
        call_command("profile", "check-config", str(bad))


# --- Public summary --------------------------------------------------------------------------


def test_public_summary_is_sanitised_and_published_explicitly(client, login, profiles):
    world = profiles.world
    version = build(world.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(world.people["analyst"], version)
    assert not summary.is_published
    figures = summary.figures
    assert "agreements" not in figures["sections"]["area"]["figures"]
    assert "outside_area" not in figures["sections"]["map"]["figures"]
    assert figures["suppression_threshold"] == 4
    # Anonymous visitors see nothing until it is published.
    client.logout()
    assert client.get(summary.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.publish_public_summary(world.people["analyst"], summary)
    services.publish_public_summary(world.people["partnership_administrator"], summary)
    response = client.get(summary.get_absolute_url())
    assert response.status_code == 200
    assert b"Preston" in response.content
    assert b"Shared ISA" not in response.content
    assert client.get("/profiles/public/").content.count(summary.get_absolute_url().encode()) == 1
    services.withdraw_public_summary(world.people["partnership_administrator"], summary)
    assert client.get(summary.get_absolute_url()).status_code == 404
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "profile_public_summary_prepared",
        "profile_public_summary_published",
        "profile_public_summary_withdrawn",
    } <= actions


def test_a_published_summary_cannot_be_prepared_again(profiles):
    world = profiles.world
    version = build(world.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(world.people["analyst"], version)
    services.publish_public_summary(world.people["partnership_administrator"], summary)
    with pytest.raises(ValidationError, match="withdraw it"):
        services.prepare_public_summary(world.people["analyst"], version)
    assert PublicSummary.objects.count() == 1


# --- Comparison ------------------------------------------------------------------------------


def test_compare_two_versions_side_by_side(client, login, profiles):
    analyst = profiles.world.people["analyst"]
    first = build(analyst, profiles.profile, "2025Q3")
    second = build(analyst, profiles.profile, "2025Q4")
    login(analyst)
    response = client.get(f"/profiles/{profiles.profile.pk}/compare/", {"before": 1, "after": 2})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Version 1 (2025Q3)" in text and "Version 2 (2025Q4)" in text
    assert "Local authorities in the profile" in text
    response = client.get(f"/profiles/{profiles.profile.pk}/compare/", {"before": 1, "after": 1})
    assert "Choose two different versions" in response.content.decode()
    assert first.number == 1 and second.number == 2


def test_a_build_lost_with_its_process_is_marked_failed(client, login, profiles):
    import datetime as dt

    from django.utils import timezone

    analyst = profiles.world.people["analyst"]
    version = services.request_build(analyst, profiles.profile, "2025Q4", background=False)
    ProfileVersion.objects.filter(pk=version.pk).update(
        status="building", requested_at=timezone.now() - dt.timedelta(hours=3)
    )
    login(analyst)
    page = client.get(profiles.profile.get_absolute_url()).content.decode()
    version.refresh_from_db()
    assert version.status == "failed" and "interrupted" in version.error
    assert "Failed" in page
    fresh = services.request_build(analyst, profiles.profile, "2025Q4", background=False)
    assert fresh.status == "queued"  # a recent build is left alone


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_build_runs_on_the_job_queue(world, preston, settings):
    """On PostgreSQL (which serves several connections at once): the build waits on the queue,
    a worker runs it writing its progress, and the version ends built."""
    import io
    import time

    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    analyst = world.people["analyst"]
    profile = services.create_profile(analyst, world.shared, [PRESTON])
    version = services.request_build(analyst, profile, "2025Q4")
    assert version.status == "queued"
    call_command("worker", "--batch", stdout=io.StringIO())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        version.refresh_from_db()
        if version.is_finished:
            break
        time.sleep(0.2)
    assert version.status == "built", version.error
    assert version.progress == 100


def test_the_create_form_offers_the_areas_of_the_users_partnerships(client, login, world):
    """Every level of the partnerships' areas, labelled; nothing of another partnership's, nor
    an abolished district."""
    places = lancashire_areas()
    world.shared.areas.set([places.preston])
    world.elsewhere.areas.set([places.birmingham])
    analyst = world.people["analyst"]
    form = ProfileForm(areas=profile_area_choices(analyst))
    choices = dict(form.fields["areas"].choices)
    assert set(choices) == set(areas_for_user(analyst).values_list("code", flat=True))
    assert set(choices.values()) == {
        "Preston (local authority)",
        "Lancashire (county)",
        "Lancashire (police force area)",
    }
    login(analyst)
    page = client.get("/profiles/new/").content.decode()
    assert "Preston (local authority)" in page and "Birmingham" not in page
    assert "Old District" not in page
    outsider = world.people["outside_person"]
    outside_codes = set(profile_area_choices(outsider).values_list("code", flat=True))
    assert outside_codes == {"E08000025", "E23000014"}


def test_a_forged_or_direct_request_for_another_partnerships_area_builds_nothing(
    client, login, world
):
    places = lancashire_areas()
    world.shared.areas.set([places.preston])
    world.elsewhere.areas.set([places.birmingham])
    analyst = world.people["analyst"]
    login(analyst)
    for code in (places.birmingham.code, places.ended.code, places.west_midlands.code):
        response = client.post(
            "/profiles/new/", {"partnership": world.shared.pk, "areas": code, "period": "2025Q4"}
        )
        assert response.status_code == 400
        assert "is not one of the current areas of your partnerships" in (response.content.decode())
    for codes in (["E08000025"], ["E07000999"], ["E23000014"], ["E07000123", "E08000025"]):
        with pytest.raises(ValidationError) as problem:
            services.create_profile(analyst, world.shared, codes)
        assert "not among them" in problem.value.message_dict["areas"][0]
    assert not Profile.objects.exists()
    # The police force area stands for its current local authorities (not the abolished one).
    profile = services.create_profile(analyst, world.shared, ["E23000003"])
    assert profile.area_codes == "E07000118,E07000123"
