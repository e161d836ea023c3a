"""Rebuild a PDF from what its pages show, and nothing that runs or calls out (ADR 0034).

A new document is written with one fresh page per page of the upload, holding only the page's
boxes, rotation, content streams and resources. Everything else is left behind by
construction: the catalog (``/OpenAction``, ``/AA``, ``/AcroForm`` and XFA, ``/Names`` with its
JavaScript and embedded-file trees, outlines), the document information and XMP metadata, and
every page's annotations (links, widgets, file attachments) and ``/AA``.

Resources are copied by a walk that also drops, at any depth, the keys that can run something
or reach outside (``ACTIVE_KEYS``), dictionaries that are actions, annotations, file
specifications or document structure (``ACTIVE_TYPES``, ``ACTION_KINDS``), and external stream
data, so nothing active can ride in through a font, image or form XObject.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError

# Keys that hold actions, scripts, forms, attached or external files, or private metadata.
ACTIVE_KEYS = frozenset(
    {
        "/A",
        "/AA",
        "/OpenAction",
        "/JS",
        "/JavaScript",
        "/AcroForm",
        "/XFA",
        "/Names",
        "/EmbeddedFiles",
        "/EF",
        "/RF",
        "/FS",
        "/Annots",
        "/URI",
        "/Launch",
        "/Next",
        "/Ref",
        "/OPI",
        "/Metadata",
        "/PieceInfo",
        "/Threads",
        "/B",
        "/Parent",
    }
)
# Stream keys that point at data in another file.
EXTERNAL_STREAM_KEYS = frozenset({"/F", "/FFilter", "/FDecodeParms"})
ACTIVE_TYPES = frozenset(
    {"/Action", "/Annot", "/Filespec", "/EmbeddedFile", "/Catalog", "/Pages", "/Page", "/Sig"}
)
ACTION_KINDS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoTo",
        "/GoToR",
        "/GoToE",
        "/GoTo3DView",
        "/Named",
        "/Hide",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/Thread",
        "/Trans",
        "/SetOCGState",
        "/RichMediaExecute",
    }
)
# Inside these dictionaries the keys are names the content streams use (fonts /F1, glyphs /A),
# not PDF keys, so they are kept whatever they are called; their values are still cleaned.
NAME_MAPS = frozenset(
    {
        "/Font",
        "/XObject",
        "/ExtGState",
        "/ColorSpace",
        "/Pattern",
        "/Shading",
        "/Properties",
        "/CharProcs",
    }
)
PAGE_KEYS = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit")


def _refused(message: str) -> ValidationError:
    return ValidationError({"attachment": message})


class _Copier:
    """Copies objects from the upload into the new document, cleaning them on the way; each
    indirect object is copied once (shared fonts stay shared, cycles end)."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.copied: dict[tuple[int, int], object] = {}

    def is_active(self, obj) -> bool:
        from pypdf.generic import DictionaryObject

        if not isinstance(obj, DictionaryObject):
            return False
        return (
            str(obj.get("/Type", "")) in ACTIVE_TYPES
            or str(obj.get("/S", "")) in ACTION_KINDS
            or "/JS" in obj
        )

    def copy(self, value, name_map: bool = False):
        from pypdf.generic import IndirectObject, NullObject

        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key not in self.copied:
                target = value.get_object()
                if target is None or self.is_active(target):
                    self.copied[key] = NullObject()
                else:
                    self.copied[key] = self._copy_indirect(key, target, name_map)
            return self.copied[key]
        if self.is_active(value):
            return NullObject()
        return self._copy_direct(value, name_map)

    def _copy_indirect(self, key, target, name_map: bool):
        from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

        if isinstance(target, (StreamObject, DictionaryObject, ArrayObject)):
            if isinstance(target, StreamObject):
                shell = StreamObject()
            elif isinstance(target, DictionaryObject):
                shell = DictionaryObject()
            else:
                shell = ArrayObject()
            reference = self.writer._add_object(shell)
            self.copied[key] = reference  # before filling, so a cycle finds it
            self._fill(shell, target, name_map)
            return reference
        return self._copy_direct(target, name_map)

    def _copy_direct(self, value, name_map: bool):
        from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

        if isinstance(value, StreamObject):
            # A stream must be an indirect object in the written file.
            shell = StreamObject()
            reference = self.writer._add_object(shell)
            self._fill(shell, value, name_map)
            return reference
        if isinstance(value, (DictionaryObject, ArrayObject)):
            shell = DictionaryObject() if isinstance(value, DictionaryObject) else ArrayObject()
            self._fill(shell, value, name_map)
            return shell
        return value.clone(self.writer) if hasattr(value, "clone") else value

    def _fill(self, shell, source, name_map: bool) -> None:
        from pypdf.generic import ArrayObject, NameObject, StreamObject

        if isinstance(source, ArrayObject):
            shell.extend(self.copy(item) for item in source)
            return
        for key, item in source.items():
            key = str(key)
            if not name_map and key in ACTIVE_KEYS:
                continue
            if isinstance(source, StreamObject) and key in EXTERNAL_STREAM_KEYS | {"/Length"}:
                continue
            shell[NameObject(key)] = self.copy(item, name_map=key in NAME_MAPS)
        if isinstance(source, StreamObject):
            shell.set_data(source._data)  # the stream's bytes as they are, filters and all


def rebuild(data: bytes) -> bytes:
    """A copy of the PDF holding only what its pages show; ValidationError naming
    ``attachment`` if it is encrypted or cannot be read."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError, PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refused("Encrypted PDFs cannot be accepted")
        pages = list(reader.pages)
        if not pages:
            raise _refused("The PDF has no pages")
        writer = PdfWriter()
        copier = _Copier(writer)
        for page in pages:
            box = page.mediabox
            fresh = writer.add_blank_page(width=float(box.width), height=float(box.height))
            for key in PAGE_KEYS:
                if key in page:
                    fresh[NameObject(key)] = copier.copy(page[key])
            resources = page.get("/Resources")
            if resources is not None:
                fresh[NameObject("/Resources")] = copier.copy(resources)
            contents = page.get("/Contents")
            if contents is not None:
                fresh[NameObject("/Contents")] = copier.copy(contents)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except ValidationError:
        raise
    except (
        PdfReadError,
        PyPdfError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
    ) as problem:
        raise _refused("The PDF could not be read") from problem
