"""Shared fixtures: a small world of three organisations in two partnerships, people in every role,
and clients signed in with both factors."""

from __future__ import annotations

import datetime
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from convenor.core import reauth
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

os.environ.setdefault("CONVENOR_TESTING", "1")


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: make test starts one (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings, tmp_path):
    """Each test gets its own audit checkpoint directory: checkpoints outlive the rolled-back
    database, and one test's checkpoint must not make another's chain look cut."""
    settings.CONVENOR_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")


@dataclass
class World:
    own: object  # organisation A, lead of partnership "shared"
    partner: object  # organisation B, in "shared" with A
    outside: object  # organisation C, only in "elsewhere"
    shared: object
    elsewhere: object
    shared_agreement: object
    elsewhere_agreement: object
    people: dict  # role -> user at A (plus "partner_person", "outside_person")


ROLES = [
    "partnership_administrator",
    "analyst",
    "practitioner",
    "board_member",
    "auditor",
]


@pytest.fixture
def world(db) -> World:
    return build_world()


@contextmanager
def built_once(django_db_blocker):
    """Build a module's test data once, as Django's ``TestCase.setUpTestData`` does.

    The data is made inside a transaction that stays open while the module's tests run; each
    test's own transaction (the ``db`` fixture) nests inside it as a savepoint and is rolled back
    after the test, and the whole lot is rolled back when the module ends. Large access matrices
    use it so that hundreds of cells share one set-up instead of building it per cell.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


def build_world() -> World:
    own = OrganisationFactory(name="Own Police", kind="police_force")
    partner = OrganisationFactory(name="Partner Council", kind="council")
    outside = OrganisationFactory(name="Outside Council", kind="council")
    shared = PartnershipFactory(name="Shared Partnership", lead_organisation=own)
    shared.organisations.set([own, partner])
    elsewhere = PartnershipFactory(name="Elsewhere Partnership", lead_organisation=outside)
    elsewhere.organisations.set([outside])
    shared_agreement = AgreementFactory(partnership=shared, title="Shared ISA")
    shared_agreement.parties.set([own, partner])
    elsewhere_agreement = AgreementFactory(partnership=elsewhere, title="Elsewhere ISA")
    elsewhere_agreement.parties.set([outside])
    people = {}
    for role in ROLES:
        user = UserFactory(username=f"own-{role.replace('_', '-')}")
        MembershipFactory(user=user, organisation=own, role=role)
        people[role] = user
    people["partner_person"] = UserFactory(username="partner-person")
    MembershipFactory(user=people["partner_person"], organisation=partner, role="practitioner")
    people["outside_person"] = UserFactory(username="outside-person")
    MembershipFactory(user=people["outside_person"], organisation=outside, role="practitioner")
    people["outside_auditor"] = UserFactory(username="outside-auditor")
    MembershipFactory(user=people["outside_auditor"], organisation=outside, role="auditor")
    return World(
        own, partner, outside, shared, elsewhere, shared_agreement, elsewhere_agreement, people
    )


def verified_login(
    client, user, *, authenticated_seconds_ago: float = 0, password_chosen: bool = True
):
    """Sign ``client`` in as ``user`` with both factors, as the sign-in pages would: that counts
    as a recent authentication (core/reauth.py) given ``authenticated_seconds_ago``. The person
    has already replaced a one-time password (the demo's people have not) unless
    ``password_chosen=False``."""
    if password_chosen and user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "app"}
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[reauth.SESSION_KEY] = time.time() - authenticated_seconds_ago
    session.save()
    return client


@pytest.fixture
def login(client):
    def _login(user):
        return verified_login(client, user)

    return _login


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


# Bookkeeping that only one database engine does, left out of pinned counts so one pin holds on
# SQLite and PostgreSQL: the audit chain's append lock (core/audit) is PostgreSQL's alone.
ENGINE_BOOKKEEPING = ("pg_advisory_xact_lock",)


@pytest.fixture
def pin_queries():
    """Pin the number of database queries one request makes, so an N+1 cannot come back:
    ``pin_queries(7, client.get, "/groups/")`` fails, listing every query, unless the call makes
    exactly 7 and answers 200 (or ``status=``); a streamed body is read inside the count (kept
    as ``response.streamed``). Build enough rows (several per list) that a
    query per row would change the count. Returns the response. Engine-specific bookkeeping
    (``ENGINE_BOOKKEEPING``) is not counted."""

    def pin(expected: int, call, *args, status: int = 200, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            response = call(*args, **kwargs)
            if getattr(response, "streaming", False):  # a CSV's rows are read as it streams
                response.streamed = b"".join(response.streaming_content)
        queries = [
            q["sql"]
            for q in captured.captured_queries
            if not any(marker in q["sql"] for marker in ENGINE_BOOKKEEPING)
        ]
        assert len(queries) == expected, (
            f"Expected {expected} queries, made {len(queries)}:\n" + "\n".join(queries)
        )
        assert response.status_code == status, response
        return response

    return pin
