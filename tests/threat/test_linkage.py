"""Linking a partnership's records with the Splink pipeline: entities, pairs with their why,
decisions honoured on every re-run, and partnerships kept apart."""

from __future__ import annotations

import pytest

from convenor.core.models import AuditEntry
from convenor.threat import services
from convenor.threat.models import Entity, LinkageRun, MatchPair, Record

pytestmark = pytest.mark.django_db


def person(dataset, surname="Whitlow"):
    return Record.objects.get(dataset=dataset, kind="person", surname=surname)


def test_linkage_links_the_taxi_driver_to_the_nominal(imported):
    run = services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    assert run.status == LinkageRun.Status.DONE, run.message
    nominal, driver = person(imported.own_dataset), person(imported.partner_dataset)
    assert nominal.entity_id == driver.entity_id
    pair = MatchPair.objects.get(
        record_a=min(nominal.pk, driver.pk), record_b=max(nominal.pk, driver.pk)
    )
    assert pair.match_probability >= 0.9
    assert {"date_of_birth", "phone"} <= set(pair.agreeing)
    # Brennan is nobody else; the outside partnership's records were never part of the run.
    assert Record.objects.filter(entity=person(imported.own_dataset, "Brennan").entity).count() == 1
    outside = person(imported.outside_dataset)
    assert outside.entity.partnership == imported.core.elsewhere
    assert not MatchPair.objects.filter(record_a=outside).exists()
    assert not MatchPair.objects.filter(record_b=outside).exists()
    assert (
        run.record_count == Record.objects.filter(dataset__partnership=imported.core.shared).count()
    )
    assert AuditEntry.objects.filter(action="linkage_finished").exists()
    # No orphan entities are left behind.
    assert not Entity.objects.filter(records__isnull=True).exists()


def test_a_rejected_pair_stays_apart_on_every_rerun(imported):
    services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    nominal, driver = person(imported.own_dataset), person(imported.partner_dataset)
    services.decide_pair(imported.own_analyst, nominal, driver, "reject", "Different men")
    run = services.start_linkage(imported.partner_analyst, imported.core.shared, background=False)
    assert run.status == "done", run.message
    nominal.refresh_from_db()
    driver.refresh_from_db()
    assert nominal.entity_id != driver.entity_id


def test_a_confirmed_pair_stays_together_on_every_rerun(imported):
    nominal = person(imported.own_dataset)
    kyle = person(imported.own_dataset, "Brennan")
    services.decide_pair(imported.own_analyst, nominal, kyle, "confirm", "Alias, per intelligence")
    run = services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    assert run.status == "done", run.message
    nominal.refresh_from_db()
    kyle.refresh_from_db()
    assert nominal.entity_id == kyle.entity_id


def test_entities_keep_their_numbers_across_runs(imported):
    services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    before = dict(Record.objects.values_list("pk", "entity_id"))
    services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    assert dict(Record.objects.values_list("pk", "entity_id")) == before
    assert MatchPair.objects.values("run").distinct().count() == 1  # only the latest run's pairs


def test_linkage_run_page_shows_progress_and_results(client, imported):
    from tests.conftest import verified_login

    run = services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    verified_login(client, imported.own_analyst)
    page = client.get(f"/threat/linkage/{run.pk}/").content.decode()
    assert "Finished" in page and "Links found" in page
    assert client.get(f"/threat/linkage/{run.pk}/progress.json").json()["percent"] == 100


def test_network_analysis_finds_components_and_communities(client, imported):
    from convenor.threat import graph

    services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    network = graph.build_network(imported.own_analyst, imported.core.shared)
    summary = graph.analyse_network(network)
    assert sum(len(c) for c in summary.components) == len(network.nodes)
    assert summary.communities
    whitlow = graph.entity_node_id(person(imported.own_dataset).entity_id)
    # The linked man: lives at an address, drives a car, and has an associate.
    assert summary.degree[whitlow] == 3


@pytest.mark.slow
def test_a_partnership_with_more_entities_than_one_query_may_name(threat, areas):
    # SQLite refuses a query with more parameters than its limit (32,766 by default; PostgreSQL
    # 65,535). Lower it so a few thousand entities cross it: linking, the network and its labels
    # must name them in batches, never all in one query.
    import sqlite3

    from benchmarks.bench_app import MAPPING as SYNTHETIC_MAPPING
    from benchmarks.synthetic import generate
    from django.db import connection

    from convenor.threat import graph

    if connection.vendor != "sqlite":
        pytest.skip("the parameter limit is lowered on SQLite; PostgreSQL's is the same idea")
    records = generate(4000, seed=11).drop(columns=["entity_id", "kind", "source"])
    upload = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "many.csv",
        records.to_csv(index=False).encode(),
        SYNTHETIC_MAPPING,
    )
    assert upload.imported_rows == 4000, upload.message
    connection.ensure_connection()
    limit = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
    before = connection.connection.setlimit(limit, 5500)
    try:
        run = services.start_linkage(threat.own_analyst, threat.core.shared, background=False)
        assert run.status == LinkageRun.Status.DONE, run.message
        assert run.entity_count > 5500  # more than one query may name
        network = graph.build_network(threat.own_analyst, threat.core.shared)
        labelled = [n for n in network.nodes if n.label != f"E{n.id.split(':')[1]}"]
        assert len(network.nodes) > 5500 and len(labelled) == len(network.nodes)
    finally:
        connection.connection.setlimit(limit, before)


def test_linkage_progress_only_goes_forward_and_ends_at_done(imported):
    seen: list[tuple[str, float]] = []
    run = services.start_linkage(
        imported.own_analyst,
        imported.core.shared,
        background=False,
        progress=lambda stage, fraction: seen.append((stage, fraction)),
    )
    assert run.status == LinkageRun.Status.DONE
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions), seen
    assert seen[-2] == ("Saving entities and links", 0.95) and seen[-1] == ("Finished", 1.0)
    assert "done" not in [stage for stage, _ in seen]  # not before the saving is done
