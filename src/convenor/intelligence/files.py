"""Attachments: safe types only, found by content (never by the name's extension), size-limited,
metadata stripped, encrypted and kept in the database (``Attachment.sealed``): no file, so no
file times or directory times that would say when an anonymous report came (ADR 0032).

Accepted: JPEG and PNG images (re-encoded by Pillow from pixels alone, so EXIF, GPS, XMP and
comments go), PDF (rebuilt from its pages' content
and resources alone, so scripts, actions, forms, annotations, embedded files and metadata go;
refused if encrypted: ``pdf_cleaning``) and plain UTF-8 text.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from . import crypto, pdf_cleaning

MAX_BYTES = int(getattr(settings, "CONVENOR_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
MAX_PIXELS = 40_000_000

# What each accepted type must start with, and the extensions a name may carry for it.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}),
    "application/pdf": (b"%PDF-", {".pdf"}),
}
TEXT_EXTENSIONS = {".txt"}


@dataclass(frozen=True)
class CleanFile:
    filename: str
    content_type: str
    data: bytes


def safe_filename(name: str) -> str:
    base = Path(name or "attachment").name
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .") or "attachment"
    return cleaned[-100:]


def sniff(data: bytes) -> str | None:
    for content_type, (magic, _) in SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def _extension_matches(filename: str, content_type: str) -> bool:
    extension = Path(filename).suffix.lower()
    if content_type == "text/plain":
        return extension in TEXT_EXTENSIONS
    return extension in SIGNATURES[content_type][1]


def _strip_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            expected = "JPEG" if content_type == "image/jpeg" else "PNG"
            if image.format != expected:
                raise ValidationError({"attachment": "The image is not what its name says"})
            pixels = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            clean = Image.new(pixels.mode, pixels.size)
            clean.paste(pixels)
            out = io.BytesIO()
            if expected == "JPEG":
                clean.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                clean.save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as problem:
        raise ValidationError({"attachment": "The image could not be read"}) from problem


def clean_upload(name: str, data: bytes) -> CleanFile:
    """Check an upload and return a copy safe to keep, or raise ValidationError naming the
    field ``attachment``."""
    filename = safe_filename(name)
    if not data:
        raise ValidationError({"attachment": "The file is empty"})
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {"attachment": f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"}
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(
            {"attachment": "The file must be a JPEG or PNG image, a PDF or plain text"}
        )
    if not _extension_matches(filename, content_type):
        raise ValidationError(
            {
                "attachment": "The file's name does not match what it contains "
                f"(it contains {content_type}); rename it or choose another file"
            }
        )
    if content_type.startswith("image/"):
        data = _strip_image(data, content_type)
    elif content_type == "application/pdf":
        data = pdf_cleaning.rebuild(data)
    return CleanFile(filename=filename, content_type=content_type, data=data)


def store(clean: CleanFile) -> dict:
    """The fields an Attachment needs, its content encrypted."""
    return {
        "filename": clean.filename,
        "content_type": clean.content_type,
        "size": len(clean.data),
        "sha256": hashlib.sha256(clean.data).hexdigest(),
        "sealed": crypto.seal(clean.data),
    }


def read(attachment) -> bytes:
    """The attachment's content, decrypted."""
    return crypto.unseal(attachment.sealed)
