"""The use cases of intelligence. Each checks the policy, runs in one transaction and writes the
audit chain; pages, the API and commands call these and nothing else changes the records.

One module per sub-domain, all re-exported here (``services.submit_report`` as before):
``reports`` (submit, attach, link, sanitise), ``dissemination`` (share, acknowledge, audited
reads, requests for information), ``anonymous`` (the reporter's side of the anonymous channel,
which is not audited: ADR 0032) and ``triage`` (the analysts' side, audited). Pure reads are in
``convenor.intelligence.selectors``."""

from convenor.core import audit

from .. import files
from ..selectors import content_readable, threat_entities
from . import anonymous, dissemination, reports, triage
from .anonymous import (
    ANONYMOUS_FIELDS,
    LimitReached,
    conversation,
    decrypted_content,
    find_by_receipt,
    purge_expired,
    reporter_adds,
    submit_anonymous,
)
from .common import require_change, required_text
from .dissemination import (
    DisseminationResult,
    acknowledge_conditions,
    answer_information_request,
    disseminate,
    record_reading,
    request_information,
)
from .reports import (
    REPORT_FIELDS,
    add_attachment,
    create_sanitised_version,
    entity_candidates,
    link_subject,
    require_submit,
    submit_report,
)
from .triage import (
    analyst_replies,
    close_submission,
    convert_submission,
    download_attachment,
    grade_submission,
    read_submission,
    require_triage,
)

__all__ = [
    "ANONYMOUS_FIELDS",
    "REPORT_FIELDS",
    "DisseminationResult",
    "LimitReached",
    "acknowledge_conditions",
    "add_attachment",
    "analyst_replies",
    "anonymous",
    "answer_information_request",
    "audit",
    "close_submission",
    "content_readable",
    "conversation",
    "convert_submission",
    "create_sanitised_version",
    "decrypted_content",
    "disseminate",
    "dissemination",
    "download_attachment",
    "entity_candidates",
    "files",
    "find_by_receipt",
    "grade_submission",
    "link_subject",
    "purge_expired",
    "read_submission",
    "record_reading",
    "reporter_adds",
    "reports",
    "request_information",
    "require_change",
    "require_submit",
    "require_triage",
    "required_text",
    "submit_anonymous",
    "submit_report",
    "threat_entities",
    "triage",
]
