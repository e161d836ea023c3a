"""The load benchmark's partnership at scale, grown from the demo by bulk inserts (not the UI).

Every row is a copy of a demo row the demo's analyst can see (same owner, partnership, dataset,
handling), so the access policy treats the copies as it treats the demo: signed-in benchmark users
see them on every page. Run inside Django (``bench_load.py build``) after ``convenor demo``.
Writes the accounts (username, one-time password, TOTP secret; forced password change on) and
the ids each page type is drawn from; ``issue_tokens`` gives each an API token after sign-in.
"""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
import time

ANALYST = "lee.barnes"  # the demo's analyst: sees records, links, groups, reports; sits on a board
BATCH = 10_000


def _copies(model, template, n: int, change) -> list:
    """``n`` unsaved copies of ``template`` with ``change(copy, i)`` applied."""
    fields = {
        f.attname: getattr(template, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }
    made = []
    for i in range(n):
        copy = model(**fields)
        change(copy, i)
        made.append(copy)
    return made


def _bulk(model, template, total: int, change, label: str) -> list[int]:
    """Insert ``total`` copies in batches; return their ids."""
    from django.db import transaction

    ids: list[int] = []
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        with transaction.atomic():
            rows = model.objects.bulk_create(
                _copies(model, template, size, lambda c, i, d=done: change(c, d + i))
            )
        ids.extend(r.pk for r in rows)
        done += size
        print(f"  {label}: {done:,}/{total:,}", flush=True)
    return ids


def build(records: int, reports: int, groups: int, boards: int, users: int, out: str) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from convenor.core.models import Membership, User
    from convenor.governance.models import Action, Board, BoardMember, Meeting
    from convenor.groups.models import Assessment, OrganisedCrimeGroup
    from convenor.intelligence.models import IntelligenceReport
    from convenor.profiles.models import ProfileVersion
    from convenor.threat.models import Entity, MatchPair, Record

    started = time.perf_counter()
    rng = random.Random(11)
    analyst = User.objects.get(username=ANALYST)
    record = Record.objects.filter(entity__isnull=False).order_by("pk").first()
    stamp = Record.objects.order_by("-row_number").first().row_number + 1

    # Linked records: five records to an entity; a match pair between neighbours (the links page).
    entity_ids = _bulk(Entity, record.entity, records // 5 + 1, lambda c, i: None, "entities")
    record_ids = _bulk(
        Record,
        record,
        records,
        lambda c, i: (
            setattr(c, "row_number", stamp + i),
            setattr(c, "surname", f"Loadtest{i}"),
            setattr(c, "entity_id", entity_ids[i // 5]),
        ),
        "linked records",
    )
    pair = MatchPair.objects.order_by("pk").first()
    if pair is not None:
        pairs = [(a, b) for a, b in zip(record_ids[::2], record_ids[1::2], strict=False) if a < b]
        MatchPair.objects.bulk_create(
            _copies(
                MatchPair,
                pair,
                len(pairs),
                lambda c, i: (
                    setattr(c, "record_a_id", pairs[i][0]),
                    setattr(c, "record_b_id", pairs[i][1]),
                ),
            ),
            ignore_conflicts=True,
        )

    memberships = list(Membership.objects.filter(user=analyst))
    own = [m.organisation_id for m in memberships]
    report = IntelligenceReport.objects.filter(owner_organisation_id__in=own).first()
    report = report or IntelligenceReport.objects.order_by("pk").first()
    report_ids = _bulk(
        IntelligenceReport,
        report,
        reports,
        lambda c, i: setattr(c, "title", f"Load test report {i}"),
        "intelligence reports",
    )

    group = OrganisedCrimeGroup.objects.order_by("pk").first()
    assessment = Assessment.objects.filter(group=group).order_by("-pk").first()
    group_ids = _bulk(
        OrganisedCrimeGroup,
        group,
        groups,
        lambda c, i: setattr(c, "name", f"Load test group {i}"),
        "groups",
    )
    if assessment is not None:
        Assessment.objects.bulk_create(
            _copies(
                Assessment,
                assessment,
                len(group_ids),
                lambda c, i: (
                    setattr(c, "group_id", group_ids[i]),
                    setattr(c, "score", rng.uniform(5, 95)),
                ),
            )
        )

    # Accounts: the analyst's memberships, a one-time password, an authenticator each.
    password = "Load-test " + secrets.token_urlsafe(9)
    hashed = make_password(password)
    accounts = []
    with transaction.atomic():
        for n in range(users):
            user = User.objects.create(
                username=f"load.user{n:03d}",
                first_name="Load",
                last_name=f"User {n}",
                password=hashed,
                must_change_password=True,
            )
            for membership in memberships:
                Membership.objects.create(
                    user=user,
                    organisation_id=membership.organisation_id,
                    role=membership.role,
                    started_on=membership.started_on,
                )
            key = os.urandom(20)
            TOTPDevice.objects.create(user=user, name="load", confirmed=True, key=key.hex())
            accounts.append(
                {
                    "username": user.username,
                    "password": password,
                    "totp_secret": base64.b32encode(key).decode(),
                }
            )
    load_users = list(User.objects.filter(username__startswith="load.user"))

    board = Board.objects.filter(members__person=analyst).order_by("pk").first()
    board = board or Board.objects.order_by("pk").first()
    meeting = Meeting.objects.filter(board=board).order_by("pk").first()
    action = Action.objects.filter(board=board).order_by("pk").first()
    seat = BoardMember.objects.filter(board=board).order_by("pk").first()
    board_slugs = [board.slug]
    meeting_ids = [meeting.pk] if meeting else []
    for n in range(max(boards - 1, 0)):
        with transaction.atomic():
            copy = _copies(
                Board,
                board,
                1,
                lambda c, i, n=n: (
                    setattr(c, "name", f"Load board {n}"),
                    setattr(c, "slug", f"load-board-{n}"),
                ),
            )[0]
            copy.save()
            board_slugs.append(copy.slug)
            if seat is not None:
                BoardMember.objects.bulk_create(
                    _copies(
                        BoardMember,
                        seat,
                        len(load_users),
                        lambda c, i, b=copy: (
                            setattr(c, "board_id", b.pk),
                            setattr(c, "person_id", load_users[i].pk),
                        ),
                    )
                )
            if meeting is not None:
                for m in _copies(
                    Meeting, meeting, 4, lambda c, i, b=copy: setattr(c, "board_id", b.pk)
                ):
                    m.save()
                    meeting_ids.append(m.pk)
            if action is not None:
                Action.objects.bulk_create(
                    _copies(
                        Action,
                        action,
                        20,
                        lambda c, i, b=copy: (
                            setattr(c, "board_id", b.pk),
                            setattr(c, "owner_id", load_users[i % len(load_users)].pk),
                        ),
                    )
                )

    version = (
        ProfileVersion.objects.filter(
            profile__partnership__organisations__in=own, status=ProfileVersion.Status.BUILT
        )
        .order_by("-pk")
        .first()
    )
    targets = {
        "reports": report_ids[:500],
        "entities": entity_ids[:500],
        "groups": group_ids[:500],
        "boards": board_slugs,
        "meetings": meeting_ids,
        "profile_version": [version.profile_id, version.number] if version else None,
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"accounts": accounts, "targets": targets}, handle)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def issue_tokens(out: str) -> None:
    """An API token for each load user, issued after the sign-in (a password change revokes
    a person's tokens)."""
    from convenor.core.models import User
    from convenor.core.tokens import issue_api_token

    users = User.objects.filter(username__startswith="load.user").order_by("username")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({user.username: issue_api_token(user) for user in users}, handle)
