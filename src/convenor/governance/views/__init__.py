"""Governance pages, one module per sub-domain: :mod:`.boards`, :mod:`.meetings`,
:mod:`.recommendations`, :mod:`.actions` and :mod:`.reports` (monitoring and landscape). Reads
come from :mod:`convenor.governance.selectors` (hidden = 404); changes go through
:mod:`convenor.governance.services`; every form page through
:func:`convenor.core.form_view.form_view`. Board, meeting and paper pages also answer the
public, who see only the published public part."""

from .actions import action_change, action_create, action_detail, action_update, my_actions
from .boards import (
    board_change,
    board_create,
    board_detail,
    board_list,
    member_add,
    member_end,
    standing_item_add,
    standing_item_change,
)
from .meetings import (
    agenda_item_add,
    agenda_item_change,
    agenda_item_move,
    attendance,
    decision_add,
    meeting_cancel,
    meeting_create,
    meeting_detail,
    meeting_publish,
    minutes,
    paper_add,
    paper_download,
)
from .recommendations import recommendation_create, recommendation_detail, response_create
from .reports import (
    board_landscape,
    monitoring_report,
    monitoring_report_pdf,
    monitoring_report_to_agenda,
)

__all__ = [
    "action_change",
    "action_create",
    "action_detail",
    "action_update",
    "agenda_item_add",
    "agenda_item_change",
    "agenda_item_move",
    "attendance",
    "board_change",
    "board_create",
    "board_detail",
    "board_landscape",
    "board_list",
    "decision_add",
    "meeting_cancel",
    "meeting_create",
    "meeting_detail",
    "meeting_publish",
    "member_add",
    "member_end",
    "minutes",
    "monitoring_report",
    "monitoring_report_pdf",
    "monitoring_report_to_agenda",
    "my_actions",
    "paper_add",
    "paper_download",
    "recommendation_create",
    "recommendation_detail",
    "response_create",
    "standing_item_add",
    "standing_item_change",
]
