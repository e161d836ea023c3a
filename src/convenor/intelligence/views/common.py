"""What the intelligence pages share: uploads read from a form, and files served safely."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .. import files
from ..models import Attachment

ATTACHMENT_CSP = "sandbox; default-src 'none'"


def uploads(form) -> list[tuple[str, bytes]]:
    """The form's ``attachment`` as the services take it: ``[(name, bytes)]``, read up to one
    byte past the limit so that the service can refuse a file too big."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    return [(upload.name, upload.read(files.MAX_BYTES + 1))]


def file_response(attachment: Attachment) -> HttpResponse:
    data = files.read(attachment)
    content_type = attachment.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so the site-wide policy (django-csp adds one only where none is set) does not
    # apply: a file opened in the browser anyway runs in a sandbox that may load nothing.
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    return response
