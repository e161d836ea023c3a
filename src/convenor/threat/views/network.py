"""The network page and its exports: the entities and links the user may see, around one node
and along chosen kinds of link, with connections to organised crime groups."""

from __future__ import annotations

import csv
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from convenor.core.models import Partnership
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import staff_page

from .. import drawing, graph, importing, selectors, services
from ..forms import NetworkForm
from ..models import Entity, Relation


def _network_for(request: HttpRequest) -> tuple[Partnership | None, list]:
    """The partnership the query string names (404 for one the user cannot see) and the
    partnerships the user can choose from."""
    selectors.require_record_pages(request.user, Entity)
    partnerships = selectors.network_partnerships(request.user)
    chosen = None
    slug = request.GET.get("partnership", "")
    if slug:
        chosen = next((p for p in partnerships if p.slug == slug), None)
        if chosen is None:
            raise Http404("Not found")
    return chosen, partnerships


LINKS_PER_PAGE = 500
LINK_KIND_LABELS = dict(Relation.Kind.choices) | {"member_of_group": "Member of group"}


def link_kind_label(kind: str) -> str:
    """How the page names a kind of link ("Lives at"); one another app adds, from its name."""
    return LINK_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


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
    services.read_network(
        request.user,
        "threat_network_viewed",
        chosen,
        {
            "nodes": len(shown.nodes),
            "edges": len(shown.edges),
            **chosen_focus.as_detail(),
            **({"connections_from": start} if start else {}),
        },
    )
    by_id = {n.id: n for n in shown.nodes}
    page = Paginator(shown.edges, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    edge_rows = [
        {
            "source": by_id[e.source],
            "kind": link_kind_label(e.kind),
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
                        link_kind_label(one).lower()
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
            "drawing": drawing.layout(drawn),
            "link_key": [
                (kind, link_kind_label(kind)) for kind in sorted({e.kind for e in drawn.edges})
            ],
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
    services.read_network(
        request.user,
        "threat_network_exported",
        chosen,
        {
            "format": fmt,
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
