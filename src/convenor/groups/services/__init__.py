"""The use cases of the groups app, by sub-domain: groups, members and assessments
(:mod:`.groups`), disruptions and their verification (:mod:`.disruptions`), ancillary orders and
breaches (:mod:`.orders`). Each checks the policy, runs in one transaction and is audited; pages,
the API and commands all call these, so the rules live here once."""

from .disruptions import (
    DISRUPTION_FIELDS,
    may_verify,
    record_disruption,
    verify_disruption,
)
from .groups import (
    CHANGE_REFUSED,
    GROUP_FIELDS,
    MANY_TO_MANY,
    RATIONALE_MAX,
    _model_at,
    add_member,
    change_group,
    change_member,
    record_assessment,
    record_export,
    record_group,
    remove_member,
    require_change,
    scoring_model,
    scoring_model_path,
    view_group,
)
from .orders import (
    ORDER_FIELDS,
    expiring_days,
    record_breach,
    record_order,
)

__all__ = [
    "CHANGE_REFUSED",
    "DISRUPTION_FIELDS",
    "GROUP_FIELDS",
    "MANY_TO_MANY",
    "ORDER_FIELDS",
    "RATIONALE_MAX",
    "_model_at",
    "add_member",
    "change_group",
    "change_member",
    "expiring_days",
    "may_verify",
    "record_assessment",
    "record_breach",
    "record_disruption",
    "record_export",
    "record_group",
    "record_order",
    "remove_member",
    "require_change",
    "scoring_model",
    "scoring_model_path",
    "verify_disruption",
    "view_group",
]
