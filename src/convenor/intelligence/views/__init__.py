"""Pages of intelligence, one module per sub-domain, all re-exported here (``views.report_list``
as before): ``reports`` (staff pages of reports), ``triage`` (analysts and anonymous reports),
``public`` (the anonymous channel: no session, cookie or identifier). Staff pages go through
the access policy (hidden = 404) and call the services."""

from .common import ATTACHMENT_CSP, file_response, uploads
from .public import anonymous_channels, anonymous_follow_up, anonymous_form, public_page
from .reports import (
    export_dict,
    report_acknowledge,
    report_answer,
    report_attachment,
    report_attachment_add,
    report_create,
    report_detail,
    report_disseminate,
    report_export,
    report_list,
    report_print,
    report_question,
    report_sanitise,
    report_subject_link,
)
from .triage import TRIAGE_ACTIONS, triage_attachment, triage_detail, triage_list

__all__ = [
    "ATTACHMENT_CSP",
    "TRIAGE_ACTIONS",
    "anonymous_channels",
    "anonymous_follow_up",
    "anonymous_form",
    "export_dict",
    "file_response",
    "public_page",
    "report_acknowledge",
    "report_answer",
    "report_attachment",
    "report_attachment_add",
    "report_create",
    "report_detail",
    "report_disseminate",
    "report_export",
    "report_list",
    "report_print",
    "report_question",
    "report_sanitise",
    "report_subject_link",
    "triage_attachment",
    "triage_detail",
    "triage_list",
    "uploads",
]
