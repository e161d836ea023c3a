"""PDFs that would run something or call out are rebuilt without it (ADR 0034): each hostile PDF
goes in through the anonymous report page or a staff report, comes out at the download URL, and
a walk over every object of the served file finds no action, script, form, annotation or
embedded file, while the page's text is still there. Downloads are sandboxed attachments."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from convenor.intelligence import files, services
from convenor.intelligence.models import AnonymousSubmission
from tests.conftest import verified_login

from .conftest import report_fields

PAGE_TEXT = "Visible statement about the warehouse"
SCRIPT = "app.alert('HOSTILE-SCRIPT')"
BEACON = "https://beacon.example/track?id=1"
FORBIDDEN_KEYS = {
    "/A", "/AA", "/OpenAction", "/AcroForm", "/XFA", "/JS", "/JavaScript", "/EmbeddedFiles",
    "/EF", "/Annots", "/URI", "/Launch", "/Names",
}  # fmt: skip
FORBIDDEN_NAMES = {
    "/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
    "/Link", "/Widget", "/FileAttachment", "/Filespec", "/EmbeddedFile", "/Action",
}  # fmt: skip
MARKERS = (b"HOSTILE-SCRIPT", b"beacon.example", b"calc.exe", b"EMBEDDED-PAYLOAD")


def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries) -> DictionaryObject:
    return DictionaryObject({_name("/" + key): value for key, value in entries.items()})


def _js() -> DictionaryObject:
    return _dict(S=_name("/JavaScript"), JS=TextStringObject(SCRIPT))


def _rect() -> ArrayObject:
    return ArrayObject([FloatObject(10), FloatObject(10), FloatObject(200), FloatObject(40)])


def _link(action: DictionaryObject) -> DictionaryObject:
    return _dict(Type=_name("/Annot"), Subtype=_name("/Link"), Rect=_rect(), A=action)


def _text_pdf(hostile) -> bytes:
    """One page showing PAGE_TEXT in Helvetica, made hostile by ``hostile(writer, page)``."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=400, height=200)
    font = _dict(Type=_name("/Font"), Subtype=_name("/Type1"), BaseFont=_name("/Helvetica"))
    page[_name("/Resources")] = _dict(Font=_dict(F1=writer._add_object(font)))
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 20 100 Td ({PAGE_TEXT}) Tj ET".encode())
    page[_name("/Contents")] = writer._add_object(content)
    hostile(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_aa(writer, page):
    page[_name("/AA")] = _dict(O=_js())


def _javascript_link(writer, page):
    page[_name("/Annots")] = ArrayObject([writer._add_object(_link(_js()))])


def _acroform_widget(writer, page):
    widget = _dict(
        Type=_name("/Annot"),
        Subtype=_name("/Widget"),
        FT=_name("/Tx"),
        T=TextStringObject("name"),
        Rect=_rect(),
        AA=_dict(K=_js(), F=_js()),
        A=_js(),
    )
    reference = writer._add_object(widget)
    page[_name("/Annots")] = ArrayObject([reference])
    writer.root_object[_name("/AcroForm")] = _dict(
        Fields=ArrayObject([reference]), XFA=TextStringObject("<xdp>HOSTILE-SCRIPT</xdp>")
    )


def _launch(writer, page):
    action = _dict(S=_name("/Launch"), F=TextStringObject("calc.exe"))
    page[_name("/Annots")] = ArrayObject([writer._add_object(_link(action))])


def _uri_beacon(writer, page):
    action = _dict(S=_name("/URI"), URI=TextStringObject(BEACON))
    page[_name("/Annots")] = ArrayObject([writer._add_object(_link(action))])


def _open_action(writer, page):
    writer.root_object[_name("/OpenAction")] = _js()
    writer.root_object[_name("/AA")] = _dict(WC=_js())


def _embedded_file(writer, page):
    writer.add_attachment("EMBEDDED-PAYLOAD.exe", b"MZ EMBEDDED-PAYLOAD")
    spec = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"][1]
    annotation = _dict(
        Type=_name("/Annot"), Subtype=_name("/FileAttachment"), Rect=_rect(), FS=spec
    )
    page[_name("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _javascript_name_tree(writer, page):
    tree = _dict(Names=ArrayObject([TextStringObject("on-open"), writer._add_object(_js())]))
    writer.root_object[_name("/Names")] = _dict(JavaScript=writer._add_object(tree))


def _hidden_in_resources(writer, page):
    """Actions tucked inside a font and an image, and a resource pointing back at the catalog."""
    font = page["/Resources"]["/Font"]["/F1"].get_object()
    font[_name("/A")] = _js()
    image = DecodedStreamObject()
    image.set_data(b"\x00")
    image.update(
        _dict(
            Type=_name("/XObject"),
            Subtype=_name("/Image"),
            Width=NumberObject(1),
            Height=NumberObject(1),
            BitsPerComponent=NumberObject(8),
            ColorSpace=_name("/DeviceGray"),
            F=TextStringObject("calc.exe"),
            AA=_dict(O=_js()),
        )  # fmt: skip
    )
    page["/Resources"][_name("/XObject")] = _dict(Im1=writer._add_object(image))
    page["/Resources"][_name("/Properties")] = _dict(Back=writer.root_object.indirect_reference)


HOSTILE = {
    "page /AA JavaScript": _page_aa,
    "JavaScript link annotation": _javascript_link,
    "JavaScript in an AcroForm widget, and XFA": _acroform_widget,
    "/Launch action": _launch,
    "/URI beacon": _uri_beacon,
    "/OpenAction and catalog /AA": _open_action,
    "embedded file and file-attachment annotation": _embedded_file,
    "JavaScript name tree": _javascript_name_tree,
    "actions hidden in resources": _hidden_in_resources,
}


def _walk(value, seen, keys, names):
    if isinstance(value, IndirectObject):
        if (value.idnum, value.generation) in seen:
            return
        seen.add((value.idnum, value.generation))
        value = value.get_object()
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            keys.add(str(key))
            _walk(item, seen, keys, names)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, seen, keys, names)
    elif isinstance(value, NameObject):
        names.add(str(value))


def _inventory(pdf: bytes) -> tuple[PdfReader, set[str], set[str]]:
    """The keys and names of every object in the file, reachable from the trailer or not."""
    reader = PdfReader(io.BytesIO(pdf))
    seen, keys, names = set(), set(), set()
    _walk(reader.trailer, seen, keys, names)
    for number in range(1, int(reader.trailer["/Size"])):
        _walk(IndirectObject(number, 0, reader), seen, keys, names)
    return reader, keys, names


def assert_inert(served: bytes) -> None:
    """No object of the file holds active content, and the page's text survives."""
    reader, keys, names = _inventory(served)
    assert not keys & FORBIDDEN_KEYS, keys & FORBIDDEN_KEYS
    assert not names & FORBIDDEN_NAMES, names & FORBIDDEN_NAMES
    for marker in MARKERS:
        assert marker not in served
    assert PAGE_TEXT in reader.pages[0].extract_text()


def _hostile_pdf(hostile) -> bytes:
    raw = _text_pdf(hostile)
    _, keys, names = _inventory(raw)
    assert keys & FORBIDDEN_KEYS and names & FORBIDDEN_NAMES  # it really is hostile
    return raw


@pytest.fixture
def channel(world):
    from convenor.intelligence.models import ReportingChannel

    return ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know.",
        receiving_organisation=world.own,
    )


def _upload(data: bytes, name: str = "statement.pdf") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def assert_sandboxed_download(response) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_pdf_reported_anonymously_is_served_inert(client, world, channel, hostile):
    raw = _hostile_pdf(hostile)
    url = f"/intelligence/report/{channel.slug}/"
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())
    response = client.post(
        url,
        {
            "form_token": token.group(1),
            "what": "Stolen goods in a warehouse",
            "attachment": _upload(raw),
        },
    )
    assert response.status_code == 200, response.content.decode()[:500]
    submission = AnonymousSubmission.objects.get()
    attachment = submission.attachments.get()
    verified_login(client, world.people["analyst"])
    response = client.get(f"/intelligence/triage/{submission.pk}/attachments/{attachment.pk}/")
    assert_sandboxed_download(response)
    assert_inert(response.content)


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_pdf_attached_by_staff_is_served_inert(client, world, hostile):
    analyst = world.people["analyst"]
    report = services.submit_report(analyst, report_fields())
    verified_login(client, analyst)
    response = client.post(
        f"/intelligence/{report.pk}/attachments/", {"attachment": _upload(_hostile_pdf(hostile))}
    )
    assert response.status_code == 302
    attachment = report.attachments.get()
    response = client.get(f"/intelligence/{report.pk}/attachments/{attachment.pk}/")
    assert_sandboxed_download(response)
    assert_inert(response.content)


def test_every_page_keeps_its_text_and_size():
    writer = PdfWriter()
    for number in range(3):
        page = writer.add_blank_page(width=300 + number, height=200)
        font = _dict(Type=_name("/Font"), Subtype=_name("/Type1"), BaseFont=_name("/Courier"))
        page[_name("/Resources")] = _dict(Font=_dict(F1=writer._add_object(font)))
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 10 Tf 20 100 Td (Page number {number}) Tj ET".encode())
        page[_name("/Contents")] = writer._add_object(content.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    clean = PdfReader(io.BytesIO(files.clean_upload("three.pdf", out.getvalue()).data))
    assert [float(page.mediabox.width) for page in clean.pages] == [300, 301, 302]
    assert [page.extract_text() for page in clean.pages] == [f"Page number {n}" for n in range(3)]


def test_an_encrypted_pdf_is_refused_with_a_message():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="Encrypted PDFs cannot be accepted"):
        files.clean_upload("locked.pdf", out.getvalue())
