"""A built profile as a page and as a PDF (read back with pypdf, rendered to PNG with
pypdfium2), and the public summary's PDF."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.profiles import services
from tests.profiles.conftest import build
from tests.profiles.test_figures import counted, dataset  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def _pages_not_blank(pdf: bytes, tmp_path) -> int:
    document = pypdfium2.PdfDocument(pdf)
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil().convert("L")
        image.save(tmp_path / f"page-{index + 1}.png")
        low, high = image.getextrema()
        assert high - low > 100, f"page {index + 1} is blank"
        dark = sum(image.histogram()[:128])
        assert dark > 500, f"page {index + 1} has almost no ink"
    return len(document)


def test_version_page_shows_every_section(client, login, profiles, counted):  # noqa: F811
    version = build(profiles.world.people["analyst"], profiles.profile)
    login(profiles.world.people["analyst"])
    text = client.get(version.get_absolute_url()).content.decode()
    for expected in [
        "Priority response",
        "Fishergate Crew",
        "Band 1 (high)",
        "Threat areas ranked by harm",
        "Intelligence reports by threat area",  # a chart
        "Opportunities for each P",
        "Disrupt Fishergate Crew",
        "SD 53 29",
        "Sources for organised crime groups",
        'role="img"',
    ]:
        assert expected in text, expected
    assert "Content that must never reach a profile" not in text
    assert "style=" not in text
    # The analyst may see the group and the partnership's records: both are linked.
    assert f'href="/groups/{counted["g1"].pk}/"' in text
    login(profiles.world.people["partner_person"])  # a practitioner of the partner council
    partner_view = client.get(version.get_absolute_url()).content.decode()
    assert "Fishergate Crew" in partner_view
    assert "threat picture's network" not in partner_view


def test_version_as_pdf(client, login, profiles, counted, dataset, tmp_path):  # noqa: F811
    version = build(profiles.world.people["analyst"], profiles.profile)
    login(profiles.world.people["board_member"])
    response = client.get(f"/profiles/{profiles.profile.pk}/versions/1/profile.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in [
        "SOC local profile: Preston",
        "Priority response",
        "Fishergate Crew",
        "Threat areas ranked by harm",
        "Taxi and private hire licences",
        "Opportunities for each P",
        "Sources:",
    ]:
        assert expected in text, expected
    pages = _pages_not_blank(pdf, tmp_path)
    assert 2 <= pages <= 20 and pages == len(reader.pages)
    assert AuditEntry.objects.filter(
        action="profile_pdf_exported", actor=profiles.world.people["board_member"]
    ).exists()
    assert version.number == 1


def test_public_summary_as_pdf(client, profiles, counted, tmp_path):  # noqa: F811
    w = profiles.world
    version = build(w.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(w.people["analyst"], version)
    services.publish_public_summary(w.people["partnership_administrator"], summary)
    response = client.get(f"/profiles/public/{summary.pk}/summary.pdf")  # anonymous
    assert response.status_code == 200
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "public summary" in text.lower()
    assert "fewer than 5" in text
    assert "Fishergate" not in text and "PR1" not in text
    _pages_not_blank(response.content, tmp_path)


INTERNAL_WORDING = [
    "band",  # group threat bands and the band-1 rule's wording
    "score",  # "summed threat scores"
    "builder may see",
    "3x5x2",
    "Shared ISA",
    "Pursue:",  # "Pursue: 1 opportunity" = how many high-band groups
]


def test_public_page_shows_no_bands_and_no_internal_wording(client, profiles, counted):  # noqa: F811
    w = profiles.world
    version = build(w.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(w.people["analyst"], version)
    services.publish_public_summary(w.people["partnership_administrator"], summary)
    page = client.get(summary.get_absolute_url()).content.decode()  # anonymous
    body = page[page.index("<main") :]
    for internal in INTERNAL_WORDING:
        assert internal.lower() not in body.lower(), internal
    assert "Priority response" in body  # the level stays; its reasons only in public wording
    assert "Intelligence reports rose markedly on the quarter before" in body
    assert "Information partners shared with the partnership" in body
    pdf = client.get(f"/profiles/public/{summary.pk}/summary.pdf").content
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for internal in INTERNAL_WORDING:
        assert internal.lower() not in text.lower(), internal


def test_a_summary_prepared_before_totals_were_protected_is_shown_protected(
    client,
    profiles,
    counted,  # noqa: F811
):
    w = profiles.world
    version = build(w.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(w.people["analyst"], version)
    old = {**summary.figures, "sections": dict(summary.figures["sections"])}
    del old["disclosure"]
    old["sections"]["groups"] = {
        **old["sections"]["groups"],
        "figures": {"total": "fewer than 5", "by_band": [{"label": "Band 1", "count": "1"}]},
    }
    old["response"] = {"label": "Priority response", "reasons": [{"label": "x", "text": "band 1"}]}
    summary.figures = old
    summary.save()
    services.publish_public_summary(w.people["partnership_administrator"], summary)
    body = client.get(summary.get_absolute_url()).content.decode()
    assert "band" not in body[body.index("<main") :].lower()
    api_client = APIClient()
    api_client.force_authenticate(w.people["analyst"])
    api = api_client.get(f"/api/v1/profile-public-summaries/{summary.pk}/").json()
    assert "by_band" not in str(api) and api["figures"]["disclosure"] == 2
