"""The use cases of governance. Each checks the access policy, runs in one transaction and writes
the audit entry; pages, the API and commands call these and nothing else changes the records.

One module per sub-domain: :mod:`.boards` (boards, members, standing items), :mod:`.meetings`
(agenda, papers, attendance, minutes, decisions, publishing), :mod:`.recommendations` (and
responses), :mod:`.actions` (the action plan); who may do what is in :mod:`._rules`. Everything
is re-exported here, so callers write ``from convenor.governance import services``."""

from ..selectors import Quorum, my_actions, quorum
from ._rules import (
    MANAGERS_ONLY,
    RESPONDERS_ONLY,
    UPDATERS_ONLY,
    can_respond,
    check_exemption,
    require_change,
    require_respond,
    require_update,
)
from .actions import change_action, create_action, create_action_from, update_action
from .boards import (
    BOARD_CREATORS_ONLY,
    BOARD_FIELDS,
    add_member,
    add_standing_item,
    change_standing_item,
    create_board,
    end_membership,
    require_board_creator,
    update_board,
)
from .meetings import (
    PAPER_TYPES,
    REPORT_ITEM_DESCRIPTION,
    add_agenda_item,
    add_report_to_agenda,
    attach_paper,
    cancel_meeting,
    change_agenda_item,
    move_agenda_item,
    publish_meeting,
    read_paper,
    record_attendance,
    record_decision,
    record_minutes,
    renumber,
    schedule_meeting,
    view_meeting,
)
from .recommendations import record_recommendation, record_response

__all__ = [
    "BOARD_CREATORS_ONLY",
    "BOARD_FIELDS",
    "MANAGERS_ONLY",
    "PAPER_TYPES",
    "REPORT_ITEM_DESCRIPTION",
    "RESPONDERS_ONLY",
    "UPDATERS_ONLY",
    "Quorum",
    "add_agenda_item",
    "add_member",
    "add_report_to_agenda",
    "add_standing_item",
    "attach_paper",
    "can_respond",
    "cancel_meeting",
    "change_action",
    "change_agenda_item",
    "change_standing_item",
    "check_exemption",
    "create_action",
    "create_action_from",
    "create_board",
    "end_membership",
    "move_agenda_item",
    "my_actions",
    "publish_meeting",
    "quorum",
    "read_paper",
    "record_attendance",
    "record_decision",
    "record_minutes",
    "record_recommendation",
    "record_response",
    "renumber",
    "require_board_creator",
    "require_change",
    "require_respond",
    "require_update",
    "schedule_meeting",
    "update_action",
    "update_board",
    "view_meeting",
]
