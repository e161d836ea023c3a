"""The shared report package: PDFs that read back and render, fetch nothing from the network;
accessible SVG charts with the figures in a table beside them."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from convenor.reports import bar_chart_svg, render_pdf, stacked_bar_chart_svg
from convenor.reports.pdf import StaticOnlyFetcher

SVG = "{http://www.w3.org/2000/svg}"


def _svg_of(markup: str) -> ET.Element:
    start, end = markup.index("<svg"), markup.index("</svg>") + len("</svg>")
    return ET.fromstring(markup[start:end])


def _ink_fraction(pdf: bytes, page_index: int) -> float:
    """The share of a page's pixels that are not white, after rendering it to an image."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[page_index].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    total = sum(histogram)
    return 1 - sum(histogram[250:]) / total


def _html(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/reports/print.css"></head>'
        f"<body>{body}</body></html>"
    )


def test_pdf_reads_back_with_its_text_and_renders_ink_on_every_page():
    rows = "".join(f"<tr><td>Action {n}</td><td>Pursue</td></tr>" for n in range(120))
    chart = bar_chart_svg("Actions by P", [("Pursue", 4), ("Prevent", 2), ("Protect", 1)])
    pdf = render_pdf(_html(f"<h1>Six-month monitoring report</h1>{chart}<table>{rows}</table>"))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 6  # 120 rows do not fit one A4 page, nor need many
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Six-month monitoring report" in text
    assert "Action 119" in text
    assert "Prevent" in text  # the chart's labels and its table are real text
    assert "Page 1 of" in text  # the print stylesheet was served from our static files
    for index in range(len(reader.pages)):
        assert _ink_fraction(pdf, index) > 0.002, f"page {index + 1} is blank"


def test_pdf_never_fetches_from_the_network(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("WeasyPrint tried to open a network connection")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetcher = StaticOnlyFetcher()
    monkeypatch.setattr("convenor.reports.pdf.StaticOnlyFetcher", lambda: fetcher)
    pdf = render_pdf(
        _html(
            '<img src="http://example.org/tracker.png" alt="">'
            '<img src="https://convenor.invalid/media/secret.png" alt="">'
            '<link rel="stylesheet" href="https://fonts.example.net/font.css">'
            '<img src="/static/../settings.py" alt="">'
            "<p>Still rendered</p>"
        )
    )
    assert "Still rendered" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "http://example.org/tracker.png" in fetcher.refused
    assert "https://convenor.invalid/media/secret.png" in fetcher.refused
    assert "https://fonts.example.net/font.css" in fetcher.refused


def test_static_fetcher_serves_our_static_files_and_data_urls():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch("https://convenor.invalid/static/reports/print.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("https://convenor.invalid/static/missing.css")


def test_bar_chart_is_accessible_svg_with_a_table_beside_it():
    markup = bar_chart_svg("Overdue actions by owner", [("A <Owner>", 3), ("B & Co", 1.5)])
    svg = _svg_of(markup)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}title").text == "Overdue actions by owner"
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert "A <Owner>: 3" in svg.find(f"{SVG}desc").text  # escaped in markup, intact as text
    bars = [r for r in svg.iter(f"{SVG}rect")]
    assert [float(b.get("width")) for b in bars][0] > float(bars[1].get("width")) > 0
    assert "<table" in markup and "A &lt;Owner&gt;" in markup and "B &amp; Co" in markup
    assert "style=" not in markup  # the CSP forbids inline styles
    assert "<script" not in markup


def test_stacked_chart_has_a_legend_and_totals():
    markup = stacked_bar_chart_svg(
        "Actions by P and status",
        [("Pursue", {"Open": 2, "Complete": 3}), ("Prevent", {"Complete": 1})],
        series=["Open", "Complete", "Cancelled"],
    )
    svg = _svg_of(markup)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Open", "Complete", "Cancelled"} <= set(texts)  # legend, even for an empty series
    assert "5" in texts and "1" in texts  # bar totals
    assert "Pursue: Open 2, Complete 3, Cancelled 0 (total 5)" in svg.find(f"{SVG}desc").text
    assert markup.count('<tr class="govuk-table__row">') == 3  # head + two rows
    with pytest.raises(ValueError, match="not one of the series"):
        stacked_bar_chart_svg("x", [("Pursue", {"Unknown": 1})], series=["Open"])


def test_charts_refuse_values_that_are_not_bars():
    with pytest.raises(TypeError, match="must be a number"):
        bar_chart_svg("x", [("a", "3")])
    with pytest.raises(ValueError, match="cannot be negative"):
        bar_chart_svg("x", [("a", -1)])
    empty = bar_chart_svg("Nothing yet", [])
    assert "No figures to show." in empty


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=60),
            st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False)),
        ),
        max_size=12,
    )
)
def test_any_labels_and_values_give_well_formed_svg(data):
    markup = bar_chart_svg("Any", data)
    svg = _svg_of(markup)
    assert svg.get("role") == "img"
    assert len([g for g in svg.iter(f"{SVG}g")]) == len(data)
