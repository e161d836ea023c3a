"""Pages of the threat picture: datasets and imports, records, entities, link review, linkage
runs and the network. Every lookup goes through the policy; reads of records are audited."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access, audit
from convenor.core.access import Action, get_visible_or_404, visible
from convenor.core.models import Partnership
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import staff_page

from . import graph, importing, services
from .forms import (
    DatasetForm,
    DecisionForm,
    LinkageForm,
    MappingForm,
    MergeForm,
    NetworkForm,
    SplitForm,
    UploadForm,
)
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

PAGE_SIZE = 50


def _require_analyst_pages(request: HttpRequest, model) -> None:
    """Pages about records exist only for those who may see records: others are not told."""
    if not access.can(request.user, Action.VIEW, model=model):
        raise Http404("Not found")


# --- Datasets ------------------------------------------------------------------------------


@staff_page
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = visible(
        request.user,
        Dataset.objects.select_related("organisation", "partnership", "agreement", "contact"),
    )
    return render(
        request,
        "threat/dataset_list.html",
        {
            "datasets": datasets,
            "can_add": access.can(request.user, Action.CREATE, model=Dataset),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def dataset_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=Dataset):
        raise PermissionDenied("Only analysts add datasets")
    form = DatasetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.create_dataset(request.user, dict(form.cleaned_data))
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, f"Dataset “{dataset.title}” added. Now import its file.")
            return redirect("threat:upload", dataset.pk)
    return render(request, "threat/dataset_form.html", {"form": form})


@staff_page
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_visible_or_404(
        request.user,
        Dataset.objects.select_related("organisation", "partnership", "agreement", "contact"),
        pk=pk,
    )
    records = visible(
        request.user, dataset.records.select_related("local_authority").order_by("row_number")
    )
    can_read = access.can(request.user, Action.VIEW, model=Record) and records.exists()
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")) if can_read else None
    audit.record(
        "threat_records_listed" if page is not None else "threat_dataset_viewed",
        actor=request.user,
        obj=dataset,
        detail={"page": page.number, "records": [r.pk for r in page.object_list]}
        if page is not None
        else {},
    )
    return render(
        request,
        "threat/dataset_detail.html",
        {
            "dataset": dataset,
            "page": page,
            "imports": visible(request.user, dataset.imports.all())[:20],
            "can_import": access.can(request.user, Action.CHANGE, dataset),
            "record_count": dataset.records.count() if can_read else None,
        },
    )


@staff_page
def dataset_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The dataset's saved column mapping as YAML, for `convenor import --mapping`."""
    import yaml

    dataset = get_visible_or_404(request.user, Dataset.objects.all(), pk=pk)
    if not access.can(request.user, Action.CHANGE, dataset) or not dataset.column_mapping:
        raise Http404("Not found")
    body = (
        f"# convenor import FILE --dataset {dataset.pk} --mapping this-file.yaml --user USERNAME\n"
        + yaml.safe_dump({"columns": dataset.column_mapping}, allow_unicode=True, sort_keys=False)
    )
    response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dataset-{dataset.pk}-mapping.yaml"'
    return response


@staff_page
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_visible_or_404(request.user, Dataset.objects.all(), pk=pk)
    if not access.can(request.user, Action.CHANGE, dataset):
        raise PermissionDenied("Only an analyst of the holding organisation can import into it")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        max_bytes, _, _ = importing.limits()
        if uploaded.size > max_bytes:
            form.add_error(
                "file",
                f"The file is larger than {max_bytes // (1024 * 1024)} MB: split it, or import "
                "it with the convenor import command",
            )
        else:
            try:
                job = services.upload_file(request.user, dataset, uploaded.name, uploaded.read())
            except importing.ImportFileError as problem:
                form.add_error("file", str(problem))
            else:
                if job.status == DatasetImport.Status.DONE:
                    messages.success(
                        request, "This file was already imported into the dataset: nothing changed"
                    )
                    return redirect(job)
                return redirect("threat:mapping", dataset.pk, job.pk)
    return render(request, "threat/upload.html", {"dataset": dataset, "form": form})


@staff_page
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    job = get_visible_or_404(
        request.user, DatasetImport.objects.select_related("dataset"), pk=import_pk, dataset=pk
    )
    if job.status != DatasetImport.Status.UPLOADED:
        return redirect(job)
    if not access.can(request.user, Action.CHANGE, job.dataset):
        raise PermissionDenied("Only an analyst of the holding organisation can import into it")
    table = services.read_upload(job)
    initial = job.dataset.column_mapping or importing.suggest_mapping(table.headers)
    if not set(initial.values()) & set(table.headers):
        initial = importing.suggest_mapping(table.headers)
    form = MappingForm(request.POST or None, headers=table.headers, initial_mapping=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.start_import(request.user, job, form.mapping())
        except ValidationError as problem:
            problems = problem.messages
        else:
            return redirect(job)
    return render(
        request,
        "threat/mapping.html",
        {
            "dataset": job.dataset,
            "job": job,
            "form": form,
            "problems": problems,
            "headers": table.headers,
            "preview": [
                [row.get(h, "") for h in table.headers] for row in importing.iter_preview(table)
            ],
        },
    )


def _import_for(request: HttpRequest, pk: int, import_pk: int) -> DatasetImport:
    return get_visible_or_404(
        request.user, DatasetImport.objects.select_related("dataset"), pk=import_pk, dataset=pk
    )


@staff_page
def import_detail(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    job = _import_for(request, pk, import_pk)
    audit.record(
        "threat_import_viewed",
        actor=request.user,
        obj=job.dataset,
        detail={"import": job.pk, "status": job.status},
    )
    return render(request, "threat/import_detail.html", {"job": job, "dataset": job.dataset})


@staff_page
def import_progress(request: HttpRequest, pk: int, import_pk: int) -> JsonResponse:
    """What the import page's script polls (the page also works by reloading)."""
    job = _import_for(request, pk, import_pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "finished": job.is_finished,
        }
    )


# --- Records and entities ------------------------------------------------------------------


@staff_page
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(
        request.user,
        Record.objects.select_related("dataset__organisation", "local_authority", "entity"),
        pk=pk,
    )
    flags = services.view_record(request.user, record)
    relations = visible(
        request.user,
        Relation.objects.filter(from_record=record) | Relation.objects.filter(to_record=record),
    ).select_related("from_record", "to_record")
    return render(
        request,
        "threat/record_detail.html",
        {"record": record, "flags": flags, "relations": relations},
    )


@staff_page
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_visible_or_404(request.user, Entity.objects.all(), pk=pk)
    return _entity_page(request, entity, MergeForm(), None)


def _entity_page(request, entity, merge_form, split_form, status=200):
    records, flags = services.view_entity(request.user, entity)
    record_ids = list(records.values_list("pk", flat=True))
    relations = visible(
        request.user,
        Relation.objects.filter(from_record__in=record_ids)
        | Relation.objects.filter(to_record__in=record_ids),
    ).select_related("from_record__entity", "to_record__entity")
    pairs = visible(
        request.user,
        MatchPair.objects.filter(record_a__in=record_ids)
        | MatchPair.objects.filter(record_b__in=record_ids),
    ).select_related("record_a", "record_b")[:100]
    decisions = visible(
        request.user,
        LinkDecision.objects.filter(record_a__in=record_ids)
        | LinkDecision.objects.filter(record_b__in=record_ids),
    ).select_related("decided_by", "record_a", "record_b")[:100]
    label = graph.entity_labels(request.user, [entity.pk]).get(entity.pk, str(entity))
    return render(
        request,
        "threat/entity_detail.html",
        {
            "entity": entity,
            "label": label,
            "records": records,
            "flags": flags,
            "relations": relations,
            "pairs": pairs,
            "decisions": decisions,
            "merge_form": merge_form,
            "split_form": split_form or SplitForm(),
            "can_decide": access.can(request.user, Action.CREATE, model=LinkDecision),
        },
        status=status,
    )


@staff_page
@require_POST
def entity_merge(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_visible_or_404(request.user, Entity.objects.all(), pk=pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        other = visible(request.user, Entity.objects.all()).filter(pk=form.cleaned_data["other"])
        if not other.exists():
            form.add_error("other", "No entity with that number that you can see")
        else:
            try:
                services.merge_entities(
                    request.user, entity, other.get(), form.cleaned_data["reason"]
                )
            except ValidationError as problem:
                for message in problem.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"E{form.cleaned_data['other']} merged into {entity}")
                return redirect(entity)
    return _entity_page(request, entity, form, None, status=400)


@staff_page
@require_POST
def entity_split(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_visible_or_404(request.user, Entity.objects.all(), pk=pk)
    form = SplitForm(request.POST)
    if form.is_valid():
        record = visible(request.user, entity.records.all()).filter(pk=form.cleaned_data["record"])
        if not record.exists():
            raise Http404("Not found")
        try:
            new_entity = services.split_record(
                request.user, record.get(), form.cleaned_data["reason"]
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"The record is now {new_entity}")
            return redirect(entity if entity.records.exists() else new_entity)
    return _entity_page(request, entity, MergeForm(), form, status=400)


# --- Links and linkage runs ----------------------------------------------------------------


@staff_page
def link_list(request: HttpRequest) -> HttpResponse:
    _require_analyst_pages(request, MatchPair)
    pairs = visible(
        request.user,
        MatchPair.objects.filter(run__in=services.latest_runs()).select_related(
            "record_a__dataset__organisation", "record_b__dataset__organisation"
        ),
    )
    show = request.GET.get("show", "undecided")
    if show == "undecided":
        pairs = pairs.exclude(
            Exists(
                LinkDecision.objects.filter(
                    record_a=OuterRef("record_a"), record_b=OuterRef("record_b")
                )
            )
        )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    flags = services.partner_flags(request.user)
    audit.record(
        "threat_links_listed",
        actor=request.user,
        detail={"pairs": [p.pk for p in page.object_list], "flags": len(flags)},
    )
    return render(
        request,
        "threat/link_list.html",
        {
            "page": page,
            "show": show,
            "flags": flags,
            "runs": visible(request.user, LinkageRun.objects.select_related("partnership"))[:5],
            "linkage_form": LinkageForm(user=request.user),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_visible_or_404(
        request.user,
        MatchPair.objects.select_related(
            "record_a__dataset__organisation", "record_b__dataset__organisation", "run"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_pair(
                request.user,
                pair.record_a,
                pair.record_b,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Decision recorded; every re-run of linking will follow it")
            return redirect("threat:links")
    audit.record(
        "threat_link_viewed",
        actor=request.user,
        obj=pair,
        detail={"records": [pair.record_a_id, pair.record_b_id]},
    )
    decisions = LinkDecision.objects.filter(
        record_a=pair.record_a, record_b=pair.record_b
    ).select_related("decided_by")
    fields = [
        ("First name", "first_name"),
        ("Surname", "surname"),
        ("Date of birth", "date_of_birth"),
        ("Address", "address"),
        ("Postcode", "postcode"),
        ("Phone", "phone"),
        ("Email", "email"),
        ("Vehicle registration", "vehicle_registration"),
        ("Company name", "company_name"),
        ("Company number", "company_number"),
        ("Licence number", "licence_number"),
        ("Role", "role"),
    ]
    rows = [
        {
            "label": label,
            "a": getattr(pair.record_a, name) or "",
            "b": getattr(pair.record_b, name) or "",
            "agreed": name in pair.agreeing,
        }
        for label, name in fields
        if getattr(pair.record_a, name) or getattr(pair.record_b, name)
    ]
    return render(
        request,
        "threat/link_detail.html",
        {"pair": pair, "form": form, "rows": rows, "decisions": decisions},
        status=400 if form.errors else 200,
    )


@staff_page
@require_POST
def linkage_start(request: HttpRequest) -> HttpResponse:
    _require_analyst_pages(request, LinkageRun)
    form = LinkageForm(request.POST, user=request.user)
    if not form.is_valid():
        return redirect("threat:links")
    run = services.start_linkage(request.user, form.cleaned_data["partnership"])
    return redirect(run)


@staff_page
def linkage_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(request.user, LinkageRun.objects.select_related("partnership"), pk=pk)
    return render(request, "threat/linkage_run.html", {"run": run})


@staff_page
def linkage_progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = get_visible_or_404(request.user, LinkageRun.objects.all(), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "stage": run.stage,
            "percent": run.percent,
            "finished": run.is_finished,
        }
    )


# --- Network -------------------------------------------------------------------------------


def _network_for(request: HttpRequest) -> tuple[Partnership | None, list]:
    """The partnership the query string names (404 for one the user cannot see) and the
    partnerships the user can choose from."""
    _require_analyst_pages(request, Entity)
    partnerships = list(
        visible(request.user, Partnership.objects.filter(entities__isnull=False).distinct())
    )
    chosen = None
    slug = request.GET.get("partnership", "")
    if slug:
        chosen = next((p for p in partnerships if p.slug == slug), None)
        if chosen is None:
            raise Http404("Not found")
    return chosen, partnerships


LINKS_PER_PAGE = 500


def _focused(request: HttpRequest):
    """The part of the network the query string asks for.

    Returns (form, focus, part, chosen partnership, partnerships); part is None when the form is
    invalid or its node is not in the network the user can see."""
    chosen, partnerships = _network_for(request)
    form = NetworkForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, graph.Focus(), None, chosen, partnerships
    chosen_focus = form.focus() if form.is_bound else graph.Focus()
    part = graph.build_network(request.user, chosen, chosen=chosen_focus)
    if part is None:
        form.add_error("around", "Nothing you can see is linked to that node")
    return form, chosen_focus, part, chosen, partnerships


@staff_page
def network(request: HttpRequest) -> HttpResponse:
    form, chosen_focus, part, chosen, partnerships = _focused(request)
    shown = part if part is not None else graph.Network()
    summary = graph.analyse_network(shown)
    # Around one node everything reached is drawn; the whole network only its larger groups.
    drawn = graph.drawable(shown, summary, min_size=1 if chosen_focus.around else 4)
    start = form.cleaned_data.get("start", "") if part is not None and form.is_bound else ""
    connections = graph.connections_to_groups(request.user, shown, start) if start else None
    audit.record(
        "threat_network_viewed",
        actor=request.user,
        detail={
            "partnership": chosen.pk if chosen else None,
            "nodes": len(shown.nodes),
            "edges": len(shown.edges),
            **chosen_focus.as_detail(),
            **({"connections_from": start} if start else {}),
        },
    )
    by_id = {n.id: n for n in shown.nodes}
    kind_labels = dict(Relation.Kind.choices) | {"member_of_group": "Member of group"}
    page = Paginator(shown.edges, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    edge_rows = [
        {
            "source": by_id[e.source],
            "kind": kind_labels.get(e.kind, e.kind.replace("_", " ").capitalize()),
            "target": by_id[e.target],
        }
        for e in page.object_list
    ]
    connection_rows = [
        {
            "start": connection.start,
            "group": connection.group,
            "length": connection.length,
            "chain": [
                (
                    ", ".join(
                        kind_labels.get(one, one.replace("_", " ")).lower()
                        for one in kind.split("/")  # "director_of/associate_of": both links
                    ),
                    node,
                )
                for kind, node in connection.steps
            ],
        }
        for connection in connections or []
    ]
    export_query = request.GET.copy()
    for key in ("page", "start"):
        export_query.pop(key, None)
    return render(
        request,
        "threat/network.html",
        {
            "network": shown,
            "form": form,
            "focus_around": by_id.get(chosen_focus.around),
            "edge_rows": edge_rows,
            "page": page,
            "central": summary.most_central(shown) if shown.edges else [],
            "summary": summary,
            "drawing": graph.layout(drawn),
            "drawn": drawn,
            "chosen": chosen,
            "partnerships": partnerships,
            "max_drawn": graph.MAX_DRAWN_NODES,
            "connections": connection_rows if connections is not None else None,
            "max_steps": graph.MAX_STEPS,
            "connection_start": graph.CONNECTION_STARTS.get(start, ""),
            "export_query": export_query.urlencode(),
        },
    )


@staff_page
@recent_authentication_required("export network data")
def network_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _, chosen_focus, net, chosen, _ = _focused(request)
    if net is None:  # a bad focus: the page says why
        return redirect(f"{reverse('threat:network')}?{request.GET.urlencode()}")
    summary = graph.analyse_network(net)
    audit.record(
        "threat_network_exported",
        actor=request.user,
        detail={
            "format": fmt,
            "partnership": chosen.pk if chosen else None,
            "nodes": len(net.nodes),
            "edges": len(net.edges),
            **chosen_focus.as_detail(),
        },
    )
    data = graph.as_data(net, summary)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, indent=1), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="convenor-network.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="convenor-network.csv"'
    writer = csv.writer(response)
    writer.writerow(["source", "source_label", "kind", "target", "target_label"])
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    for edge in data["edges"]:
        writer.writerow(
            [
                importing.escape_formula(v)
                for v in (
                    edge["source"],
                    labels.get(edge["source"], ""),
                    edge["kind"],
                    edge["target"],
                    labels.get(edge["target"], ""),
                )
            ]
        )
    return response
