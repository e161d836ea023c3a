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


class _ThreatRule(Rule):
    """Superusers see everything; anyone else what ``shown`` keeps."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset if s.superuser else self.shown(s, queryset)

    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError


class _HeldRule(_ThreatRule):
    """Anyone may ask for the list (it keeps what they may see); a new one is an analyst's;
    changing one is for analysts of the organisation holding it (``holder_id``)."""

    def holder_id(self, obj: Model) -> int:
        raise NotImplementedError

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or super().can(s, action, obj)
        if obj is None:
            return _is_analyst(s)
        return s.superuser or s.has_role(Role.ANALYST, self.holder_id(obj))


@rule_for(Dataset)
class DatasetRule(_HeldRule):
    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_datasets(s).values("pk"))

    def holder_id(self, obj: Model) -> int:
        return obj.organisation_id  # describing the dataset and importing into it


@rule_for(DatasetImport)
class DatasetImportRule(_HeldRule):
    """An import's rejected rows can quote cell values, so only the holder's analysts see it."""

    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(dataset__organisation__in=s.organisations_with_role(Role.ANALYST))

    def holder_id(self, obj: Model) -> int:
        return obj.dataset.organisation_id


def readable_records(s: Standing) -> QuerySet:
    if s.superuser:
        return Record.objects.all()
    return Record.objects.filter(dataset__in=readable_datasets(s).values("pk"))


class _AnalystsRule(_ThreatRule):
    """Personal data and what is made of it: analysts may ask for the list, and see a row when
    ``shown`` keeps it. Other actions are refused unless ``may_act`` allows them."""

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return _is_analyst(s) if obj is None else super().can(s, action, obj)
        return self.may_act(s, action, obj)

    def may_act(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return False

    def may_act_on_visible(self, s: Standing, obj: Model | None) -> bool:
        """An analyst acting on one they see (creating: any analyst)."""
        return _is_analyst(s) if obj is None else self.can(s, Action.VIEW, obj)


@rule_for(Record)
class RecordRule(_AnalystsRule):
    """Records change only by importing."""

    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(dataset__in=readable_datasets(s).values("pk"))


@rule_for(Entity)
class EntityRule(_AnalystsRule):
    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=readable_records(s).values("entity_id"))

    def may_act(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return self.may_act_on_visible(s, obj)  # merging and splitting


@rule_for(Relation)
class RelationRule(_AnalystsRule):
    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        readable = readable_records(s).values("pk")
        return queryset.filter(from_record__in=readable, to_record__in=readable)


class _BothRecordsRule(_AnalystsRule):
    """Links and decisions: seen only by those who may see both records."""

    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        readable = readable_records(s).values("pk")
        return queryset.filter(record_a__in=readable, record_b__in=readable)

    def may_act(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return self.may_act_on_visible(s, obj)


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
class LinkageRunRule(_AnalystsRule):
    def shown(self, s: Standing, queryset: QuerySet) -> QuerySet:
        analyst_orgs = s.organisations_with_role(Role.ANALYST)
        return queryset.filter(
            pk__in=LinkageRun.objects.filter(partnership__organisations__in=analyst_orgs).values(
                "pk"
            )
        )

    def may_act(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return action == Action.CREATE and _is_analyst(s)


def may_link(s: Standing, partnership) -> bool:
    """Whether the user may run linkage for ``partnership``: an analyst of one of its members."""
    if s.superuser:
        return True
    members = set(partnership.organisations.values_list("pk", flat=True))
    return bool(members & s.organisations_with_role(Role.ANALYST))
