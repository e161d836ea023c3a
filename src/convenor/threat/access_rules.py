"""Who sees and changes the threat picture (registered with the one access policy).

* A **dataset** (its title, kind, holder and contact) is known to the members of its holding
  organisation and of the other parties to its ISA while the ISA is in force.
* Its **records** — personal data — are seen only by *analysts* of those organisations. An
  expired ISA shares nothing: only the holder's analysts still see the records.
* An **entity** is seen through the records a user may see of it; a **link** or **decision**
  only when the user may see both records. Of a match in a holding they may not see, a user
  learns only that it exists and whom to ask (``selectors.flags_for``).
* **Imports** are the holding organisation's business: its members see them, its analysts run them.
* **Linkage runs** are started and seen by analysts of the partnership's organisations.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from convenor.core.access import Action, Rule, Standing, member_party, rule_for
from convenor.core.models import Role

from .models import (
    Dataset,
    DatasetImport,
    Entity,
    LinkageRun,
    LinkDecision,
    MatchPair,
    Record,
    Relation,
)


def _shared_with(organisations: frozenset[int], prefix: str = "") -> Q:
    """Datasets held by, or shared under an ISA in force today with, one of ``organisations``."""
    today = timezone.localdate()
    return Q(**{f"{prefix}organisation__in": organisations}) | (
        member_party(organisations, f"{prefix}agreement__")
        & Q(
            **{
                f"{prefix}agreement__starts_on__lte": today,
                f"{prefix}agreement__review_date__gte": today,
            }
        )
    )


def visible_datasets(s: Standing, organisations: frozenset[int] | None = None) -> QuerySet:
    if s.superuser:
        return Dataset.objects.all()
    organisations = s.organisations if organisations is None else organisations
    if not organisations:
        return Dataset.objects.none()
    return Dataset.objects.filter(
        pk__in=Dataset.objects.filter(_shared_with(organisations)).values("pk")
    )


def readable_datasets(s: Standing) -> QuerySet:
    """The datasets whose records the user may read: analysts' organisations only."""
    if s.superuser:
        return Dataset.objects.all()
    return visible_datasets(s, s.organisations_with_role(Role.ANALYST))


def _is_analyst(s: Standing) -> bool:
    return s.superuser or s.has_role(Role.ANALYST)


@rule_for(Dataset)
class DatasetRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(pk__in=visible_datasets(s).values("pk"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or super().can(s, action, obj)
        if obj is None:
            return _is_analyst(s)
        # Describing the dataset and importing into it: its holder's analysts.
        return s.superuser or s.has_role(Role.ANALYST, obj.organisation_id)


@rule_for(DatasetImport)
class DatasetImportRule(Rule):
    """An import's rejected rows can quote cell values, so only the holder's analysts see it."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(dataset__organisation__in=s.organisations_with_role(Role.ANALYST))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or super().can(s, action, obj)
        if obj is None:
            return _is_analyst(s)
        return s.superuser or s.has_role(Role.ANALYST, obj.dataset.organisation_id)


def readable_records(s: Standing) -> QuerySet:
    if s.superuser:
        return Record.objects.all()
    return Record.objects.filter(dataset__in=readable_datasets(s).values("pk"))


@rule_for(Record)
class RecordRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(dataset__in=readable_datasets(s).values("pk"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        return False  # records change only by importing


@rule_for(Entity)
class EntityRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(pk__in=readable_records(s).values("entity_id"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        # Merging and splitting: an analyst who sees the entity.
        if obj is None:
            return _is_analyst(s)
        return self.can(s, Action.VIEW, obj)


@rule_for(Relation)
class RelationRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        readable = readable_records(s).values("pk")
        return queryset.filter(from_record__in=readable, to_record__in=readable)

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        return False


class _BothRecordsRule(Rule):
    """Links and decisions: seen only by those who may see both records."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        readable = readable_records(s).values("pk")
        return queryset.filter(record_a__in=readable, record_b__in=readable)

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        if obj is None:
            return _is_analyst(s)
        return super().can(s, Action.VIEW, obj)


@rule_for(MatchPair)
class MatchPairRule(_BothRecordsRule):
    pass


@rule_for(LinkDecision)
class LinkDecisionRule(_BothRecordsRule):
    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action in (Action.CHANGE, Action.DELETE) and obj is not None:
            return False  # a decision stands; a later one supersedes it
        return super().can(s, action, obj)


@rule_for(LinkageRun)
class LinkageRunRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        analyst_orgs = s.organisations_with_role(Role.ANALYST)
        return queryset.filter(
            pk__in=LinkageRun.objects.filter(partnership__organisations__in=analyst_orgs).values(
                "pk"
            )
        )

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        if action == Action.CREATE:
            return _is_analyst(s)
        return False


def may_link(s: Standing, partnership) -> bool:
    """Whether the user may run linkage for ``partnership``: an analyst of one of its members."""
    if s.superuser:
        return True
    members = set(partnership.organisations.values_list("pk", flat=True))
    return bool(members & s.organisations_with_role(Role.ANALYST))
