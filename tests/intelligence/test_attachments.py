"""Attachments: safe types found by content, spoofed names refused, metadata stripped, encrypted
outside the web root, limited in size."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter

from convenor.intelligence import files, services
from convenor.intelligence.models import Attachment
from tests.conftest import verified_login

from .conftest import png_bytes, report_fields


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 16), "blue")
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Secret Author")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Secret Author", "/Title": "Secret Title"})
    writer.xmp_metadata = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        b"<rdf:Description dc:creator='XmpSecretCreator' "
        b"xmlns:dc='http://purl.org/dc/elements/1.1/'/></rdf:RDF></x:xmpmeta>"
        b'<?xpacket end="w"?>'
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_exif_is_removed_from_jpeg():
    raw = jpeg_with_exif()
    assert b"Secret Photographer" in raw
    clean = files.clean_upload("photo.JPG", raw)
    assert clean.content_type == "image/jpeg"
    assert b"Secret Photographer" not in clean.data and b"SecretCam" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (16, 16)


def test_text_chunks_are_removed_from_png():
    clean = files.clean_upload("map.png", png_with_text())
    assert b"Secret Author" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert "Author" not in image.info


def test_pdf_information_and_xmp_are_removed():
    raw = pdf_with_metadata()
    assert b"Secret Author" in raw and b"XmpSecretCreator" in raw
    clean = files.clean_upload("statement.pdf", raw)
    assert b"Secret Author" not in clean.data and b"Secret Title" not in clean.data
    assert b"XmpSecretCreator" not in clean.data
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 1
    assert not reader.metadata or "/Author" not in reader.metadata
    assert reader.xmp_metadata is None


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("photo.jpg", b"%PDF-1.4 not really", "does not match what it contains"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "does not match what it contains"),
        ("notes.txt", b"%PDF-1.7\n", "does not match what it contains"),
        ("photo.png", b"just text", "does not match what it contains"),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "must be a JPEG or PNG image"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "must be a JPEG or PNG image"),
        ("page.html", b"<script>alert(1)</script>", "does not match what it contains"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 broken jpeg", "could not be read"),
        ("doc.pdf", b"%PDF-1.4\ngarbage without structure", "could not be read"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_spoofed_and_unsafe_files_are_refused(name, data, message):
    with pytest.raises(ValidationError) as refused:
        files.clean_upload(name, data)
    assert message in str(refused.value.message_dict["attachment"])


def test_size_limit(monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="smaller than"):
        files.clean_upload("notes.txt", b"a" * 101)


def test_attachments_are_encrypted_in_the_database_and_never_written_to_disk(
    world, attachment_store
):
    report = services.submit_report(
        world.people["analyst"],
        report_fields(),
        uploads=[("notes.txt", b"PLAINTEXT-MARKER in the notes")],
    )
    attachment = Attachment.objects.get(pk=report.attachments.get().pk)
    assert b"PLAINTEXT-MARKER" not in bytes(attachment.sealed)
    assert files.read(attachment) == b"PLAINTEXT-MARKER in the notes"
    assert attachment.filename == "notes.txt"
    assert not attachment_store.parent.parent.exists()  # nothing under CONVENOR_VAR_DIR


def test_a_spoofed_upload_through_the_page_is_refused_and_nothing_saved(client, world):
    verified_login(client, world.people["analyst"])
    report = services.submit_report(world.people["analyst"], report_fields())
    upload = io.BytesIO(b"%PDF-1.4 pretending")
    upload.name = "holiday.jpg"
    response = client.post(f"/intelligence/{report.pk}/attachments/", {"attachment": upload})
    assert response.status_code == 400
    assert "does not match what it contains" in response.content.decode()
    assert not Attachment.objects.exists()
    good = io.BytesIO(png_bytes())
    good.name = "map.png"
    response = client.post(f"/intelligence/{report.pk}/attachments/", {"attachment": good})
    assert response.status_code == 302
    assert Attachment.objects.get().content_type == "image/png"


def test_downloads_are_served_as_attachments_never_inline(client, world, intel):
    verified_login(client, world.people["analyst"])
    response = client.get(
        f"/intelligence/{intel.own_report.pk}/attachments/{intel.own_attachment.pk}/"
    )
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=40),
    data=st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"]).flatmap(
            lambda magic: st.binary(max_size=200).map(lambda rest: magic + rest)
        ),
    ),
)
def test_any_upload_is_accepted_cleanly_or_refused_with_a_message(name, data):
    try:
        clean = files.clean_upload(name, data)
    except ValidationError as refused:
        assert refused.message_dict["attachment"]
    else:
        assert clean.content_type in {"image/jpeg", "image/png", "application/pdf", "text/plain"}
        assert "/" not in clean.filename and "\\" not in clean.filename
