"""HTML to PDF with WeasyPrint, fetching nothing from the network.

WeasyPrint would follow any URL in a document (stylesheets, images, fonts). Reports are rendered
from records that users typed, so a URL in them must not make the server reach out: the
:class:`StaticOnlyFetcher` serves our own static files (found through Django's staticfiles
finders) and ``data:`` URLs, and refuses everything else.
"""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs (e.g. "/static/reports/print.css") resolve against this when no base is given.
DEFAULT_BASE_URL = "https://convenor.invalid/"


class RefusedURL(ValueError):
    """A document asked for something other than our static files or a data: URL."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``<anything>/static/<path>`` from the staticfiles finders and ``data:`` URLs.

    Every other URL is refused (and remembered in ``refused`` so callers and tests can see it);
    WeasyPrint then leaves the resource out and goes on rendering."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["data"], allow_redirects=False, timeout=1)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        if parts.scheme in ("http", "https") and parts.path.startswith(static_url):
            relative = unquote(parts.path[len(static_url) :])
            if relative and ".." not in relative.split("/"):
                found = finders.find(relative)
                if found:
                    path = found[0] if isinstance(found, list) else found
                    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    with open(path, "rb") as handle:
                        body = handle.read()
                    return URLFetcherResponse(url, body, {"Content-Type": content_type})
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s", url)
        raise RefusedURL(f"Refused to fetch {url}: only our static files are served")


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document. Self-contained: nothing is fetched from the network.

    ``base_url`` resolves relative links (default ``https://convenor.invalid/``); whatever its
    host, only paths under ``STATIC_URL`` are served, from our own static files."""
    fetcher = StaticOnlyFetcher()
    document = HTML(string=html, base_url=base_url or DEFAULT_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf()
