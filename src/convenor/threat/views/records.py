"""Pages of records and entities, with flag-and-contact for what the user may not see, and the
analysts' merge and split of entities. Reads of records are audited."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.views import staff_page

from .. import entity_sections, graph, selectors, services
from ..forms import MergeForm, SplitForm
from ..models import Entity, LinkDecision


@staff_page
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_or_404(request.user, pk)
    return render(
        request,
        "threat/record_detail.html",
        {
            "record": record,
            "flags": services.view_record(request.user, record),
            "relations": selectors.relations_of(request.user, [record.pk]),
        },
    )


def _entity_context(request: HttpRequest, entity: Entity, **forms) -> dict:
    """What the entity page shows (its read audited), with its merge and split forms."""
    records, flags = services.view_entity(request.user, entity)
    record_ids = [r.pk for r in records]
    label = graph.entity_labels(request.user, [entity.pk]).get(entity.pk, str(entity))
    return {
        "entity": entity,
        "label": label,
        "records": records,
        "flags": flags,
        "relations": selectors.relations_of(request.user, record_ids),
        "pairs": selectors.pairs_of(request.user, record_ids),
        "decisions": selectors.decisions_of(request.user, record_ids),
        "sections": entity_sections.sections_for(request.user, entity),
        "merge_form": forms.get("merge_form") or MergeForm(user=request.user),
        "split_form": forms.get("split_form") or SplitForm(),
        "can_decide": access.can(request.user, Action.CREATE, model=LinkDecision),
    }


@staff_page
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_or_404(request.user, pk)
    return render(request, "threat/entity_detail.html", _entity_context(request, entity))


def _entity_form(request, pk: int, form_class, name: str, save, message, next_page=None, **kwargs):
    """A form posted from the entity page, shown again there (as ``name``) when refused.
    ``save``, ``message`` and ``next_page`` are functions of the entity (and the form, or what
    ``save`` returned); by default the entity page comes next."""
    entity = selectors.entity_or_404(request.user, pk)
    return form_view(
        request,
        form_class,
        form_kwargs=kwargs,
        save=lambda form: save(entity, form),
        template="threat/entity_detail.html",
        context=lambda form: _entity_context(request, entity, **{name: form}),
        success_url=lambda saved: next_page(entity, saved) if next_page else entity,
        success_message=lambda saved: message(entity, saved),
    )


@staff_page
@require_POST
def entity_merge(request: HttpRequest, pk: int) -> HttpResponse:
    def merge(entity: Entity, form: MergeForm) -> int:
        """Merge the form's entity into ``entity``; the number of the one merged in."""
        other = form.cleaned_data["other"]
        services.merge_entities(request.user, entity, other, form.cleaned_data["reason"])
        return other.pk

    def merged(entity: Entity, other_pk: int) -> str:
        return f"E{other_pk} merged into {entity}"

    return _entity_form(request, pk, MergeForm, "merge_form", merge, merged, user=request.user)


@staff_page
@require_POST
def entity_split(request: HttpRequest, pk: int) -> HttpResponse:
    def split(entity: Entity, form: SplitForm) -> Entity:
        record = selectors.entity_record_or_404(request.user, entity, form.cleaned_data["record"])
        return services.split_record(request.user, record, form.cleaned_data["reason"])

    return _entity_form(
        request,
        pk,
        SplitForm,
        "split_form",
        split,
        message=lambda entity, new_entity: f"The record is now {new_entity}",
        # The entity goes on if records remain in it; otherwise the new one is all there is.
        next_page=lambda entity, new_entity: entity if entity.records.exists() else new_entity,
    )
