"""Pages of the groups app: groups, members, assessments and rankings (:mod:`.groups`);
disruptions and the ancillary orders register (:mod:`.response`)."""

from .groups import (
    assessment_create,
    assessment_detail,
    group_create,
    group_detail,
    group_edit,
    group_list,
    member_add,
    member_edit,
    member_remove,
    rankings,
    rankings_export,
    scoring_model_page,
)
from .response import (
    breach_create,
    disruption_create,
    disruption_detail,
    disruption_verify,
    order_create,
    order_detail,
    order_register,
    orders_expiring,
)

__all__ = [
    "assessment_create",
    "assessment_detail",
    "breach_create",
    "disruption_create",
    "disruption_detail",
    "disruption_verify",
    "group_create",
    "group_detail",
    "group_edit",
    "group_list",
    "member_add",
    "member_edit",
    "member_remove",
    "order_create",
    "order_detail",
    "order_register",
    "orders_expiring",
    "rankings",
    "rankings_export",
    "scoring_model_page",
]
