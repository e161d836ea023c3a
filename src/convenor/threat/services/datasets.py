"""Partner datasets: describing a holding and who may add one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from convenor.core import access, audit
from convenor.core.models import Organisation, User

from ..models import Dataset


def require_add_dataset(actor: User) -> None:
    """The 403 the dataset form answers to someone who is no analyst anywhere."""
    if not access.can(actor, access.Action.CREATE, model=Dataset):
        raise PermissionDenied("Only analysts add datasets")


@transaction.atomic
def create_dataset(actor: User, fields: dict[str, Any]) -> Dataset:
    """Describe a new partner dataset. ``fields`` name its organisation, partnership, ISA,
    legal basis, kind, title, description, contact and extraction date."""
    organisation: Organisation = fields["organisation"]
    if not (actor.is_superuser or access.standing(actor).has_role("analyst", organisation.pk)):
        raise PermissionDenied("Only an analyst of the holding organisation can add its datasets")
    dataset = Dataset(created_by=actor, **fields)
    dataset.full_clean()
    if not access.can(actor, access.Action.VIEW, dataset.contact):
        raise ValidationError({"contact": "Choose a contact from a partner organisation"})
    dataset.save()
    audit.record(
        "dataset_created",
        actor=actor,
        obj=dataset,
        detail={"agreement": dataset.agreement_id, "legal_basis": dataset.legal_basis},
    )
    return dataset
