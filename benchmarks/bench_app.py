"""The app path at scale: a partner's CSV imported through Convenor's importer (validation,
postcodes to local authorities, records and relations written) and the partnership linked by a
linkage run (the Splink pipeline plus saving entities and links), on the embedded SQLite database.

    python -m benchmarks.bench_app --rows 200000

Prints seconds and seconds per 1,000 rows for the import and for the linkage run, the records
and entities made, the time to build and analyse the network page's data, and peak memory. Not a
target of issue 4 (its targets exclude import); it shows what an analyst waits for. Each run
starts from an empty database in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from benchmarks.common import machine, peak_rss_mib, versions

MAPPING = {
    "reference": "record_id",
    "first_name": "first_name",
    "surname": "surname",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "address": "address",
    "phone": "phone",
    "email": "email",
}


def _setup(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")
    os.environ.setdefault("CONVENOR_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("CONVENOR_AUDIT_KEY", "benchmark-only-audit-" + "x" * 40)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CONVENOR_VAR_DIR"] = folder
    import django

    django.setup()


def run(rows: int) -> dict:
    from django.core.management import call_command

    from benchmarks.synthetic import generate
    from convenor.core.demo import load_demo
    from convenor.core.models import Membership, User
    from convenor.threat import graph, services
    from convenor.threat.models import LinkageRun

    call_command("migrate", verbosity=0)
    load_demo()  # the demo's organisations, partnerships, agreements and accounts
    analyst = User.objects.get(username="lee.barnes")
    membership = Membership.objects.filter(user=analyst, role="analyst").first()
    partnership = membership.organisation.partnerships.first()
    agreement = partnership.agreements.current().filter(parties=membership.organisation).first()
    dataset = services.create_dataset(
        analyst,
        {
            "organisation": membership.organisation,
            "partnership": partnership,
            "agreement": agreement,
            "legal_basis": agreement.legal_bases[0],
            "kind": "police_nominals",
            "title": "Synthetic nominals",
            "contact": analyst,
        },
    )
    frame = generate(rows, seed=3).drop(columns=["entity_id", "kind", "source"])
    content = frame.to_csv(index=False).encode()

    started = time.perf_counter()
    upload = services.import_file(analyst, dataset, "synthetic.csv", content, MAPPING)
    imported = time.perf_counter() - started
    if upload.imported_rows != rows:
        raise SystemExit(f"import: {upload.get_status_display()}: {upload.message}")

    started = time.perf_counter()
    linkage = services.start_linkage(analyst, partnership, background=False)
    linked = time.perf_counter() - started
    if linkage.status != LinkageRun.Status.DONE:
        raise SystemExit(f"linkage: {linkage.get_status_display()}: {linkage.message}")

    started = time.perf_counter()
    network = graph.build_network(analyst, partnership)
    summary = graph.analyse_network(network)
    networked = time.perf_counter() - started
    return {
        "network_seconds": networked,
        "network_nodes": len(network.nodes),
        "network_edges": len(network.edges),
        "network_components": len(summary.components),
        "rows": rows,
        "import_seconds": imported,
        "link_seconds": linked,
        "records": linkage.record_count,
        "entities": linkage.entity_count,
        "pairs": linkage.pair_count,
        "size_mib": len(content) / 2**20,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Convenor import and linkage through the app")
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="convenor-bench-app-") as folder:
        _setup(folder)
        print(f"machine: {machine()}")
        print(f"versions: {versions(['Django', 'splink', 'duckdb', 'pandas'])}")
        result = run(args.rows)
    rows = result["rows"]
    print(
        f"import: {rows:,} rows ({result['size_mib']:.1f} MiB of CSV) in "
        f"{result['import_seconds']:.1f} s, {result['import_seconds'] / rows * 1000:.3f} s per "
        f"1,000 rows -> {result['records']:,} records"
    )
    print(
        f"linkage run: {result['link_seconds']:.1f} s, "
        f"{result['link_seconds'] / rows * 1000:.3f} s per 1,000 rows -> "
        f"{result['entities']:,} entities, {result['pairs']:,} links"
    )
    print(
        f"network page data (every entity the analyst may see, analysed): "
        f"{result['network_seconds']:.1f} s for {result['network_nodes']:,} nodes, "
        f"{result['network_edges']:,} links, {result['network_components']:,} connected groups"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
