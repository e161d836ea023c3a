"""The threat picture's use cases: each checks the policy, runs in one transaction and is audited.

One module per sub-domain: ``datasets``, ``imports``, ``linkage``, ``decisions`` (with
``entities``, which moves records between entities for both) and ``records`` (audited reads).
Pure reads are in ``convenor.threat.selectors``. Everything callers use is named here, so
``from convenor.threat import services; services.import_file(...)`` keeps working.

Imports and linkage runs are long: ``start_import`` / ``start_linkage`` record the job and put
it on the job queue (inline when ``CONVENOR_BACKGROUND_TASKS`` is off, as in the tests and the
CLI, which shows its own progress bar); the pages poll the job's progress.
"""

from ..selectors import Flag, current_decisions, flags_for, latest_runs, partner_flags
from .background import run_in_background
from .datasets import create_dataset, require_add_dataset
from .decisions import decide_pair, merge_entities, require_decide, split_record
from .entities import delete_empty_entities, hand_over_references
from .imports import (
    MAX_STORED_REJECTIONS,
    content_hash,
    import_file,
    read_upload,
    require_import,
    run_import,
    start_import,
    upload_file,
)
from .linkage import linkage_frame, run_linkage, start_linkage
from .records import (
    list_links,
    read_dataset,
    read_network,
    view_entity,
    view_import,
    view_link,
    view_record,
)

__all__ = [
    "MAX_STORED_REJECTIONS",
    "Flag",
    "content_hash",
    "create_dataset",
    "current_decisions",
    "decide_pair",
    "delete_empty_entities",
    "flags_for",
    "hand_over_references",
    "import_file",
    "latest_runs",
    "linkage_frame",
    "list_links",
    "merge_entities",
    "partner_flags",
    "read_dataset",
    "read_network",
    "read_upload",
    "require_add_dataset",
    "require_decide",
    "require_import",
    "run_import",
    "run_in_background",
    "run_linkage",
    "split_record",
    "start_import",
    "start_linkage",
    "upload_file",
    "view_entity",
    "view_import",
    "view_link",
    "view_record",
]
