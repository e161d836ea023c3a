"""Pages of the threat picture, one module per part: ``datasets`` (datasets and imports),
``records`` (records and entities, merge and split), ``links`` (link review and linkage runs)
and ``network``. Every lookup goes through the policy (``selectors``); reads of records are
audited (``services.records``); every form page goes through ``core.form_view``."""

from .datasets import (
    dataset_create,
    dataset_detail,
    dataset_list,
    dataset_mapping,
    import_detail,
    import_progress,
    mapping,
    upload,
)
from .links import link_detail, link_list, linkage_progress, linkage_run, linkage_start
from .network import network, network_export
from .records import entity_detail, entity_merge, entity_split, record_detail

__all__ = [
    "dataset_create",
    "dataset_detail",
    "dataset_list",
    "dataset_mapping",
    "entity_detail",
    "entity_merge",
    "entity_split",
    "import_detail",
    "import_progress",
    "link_detail",
    "link_list",
    "linkage_progress",
    "linkage_run",
    "linkage_start",
    "mapping",
    "network",
    "network_export",
    "record_detail",
    "upload",
]
