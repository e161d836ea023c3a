"""``convenor profile build --area E07000123 --period 2025Q4``: build a SOC local profile from the
command line, with a progress bar. ``convenor profile check-config FILE`` checks a profile
configuration (suppression, map grid, response-level rules)."""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from convenor.core import access
from convenor.core.models import Partnership, User

from ... import services
from ...config import ConfigError, load_config
from ...models import Profile


class Command(BaseCommand):
    help = "SOC local profiles: 'profile build' builds one; 'profile check-config' checks a file"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        build = sub.add_parser("build", help="Build a new version of an area's profile")
        build.add_argument(
            "--area",
            action="append",
            required=True,
            help="ONS code of a local authority (or police force area); repeat for several",
        )
        build.add_argument("--period", required=True, help="A quarter, e.g. 2025Q4")
        build.add_argument(
            "--partnership",
            help="The partnership's slug (needed when you belong to more than one)",
        )
        build.add_argument(
            "--user",
            default=os.environ.get("CONVENOR_USER", ""),
            help="Build as this user (an analyst or partnership administrator); "
            "defaults to $CONVENOR_USER",
        )
        check = sub.add_parser("check-config", help="Check a profile configuration file")
        check.add_argument("path")

    def handle(self, *args, **options):
        if options["subcommand"] == "check-config":
            return self._check(options["path"])
        return self._build(options)

    def _check(self, path: str) -> None:
        try:
            config = load_config(path)
        except ConfigError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(
            f"{path} is a valid profile configuration: suppression threshold "
            f"{config.suppression_threshold}, grid {config.grid_metres} m, "
            f"{len(config.response.rules)} response rules over levels "
            f"{', '.join(config.response.levels)}."
        )

    def _build(self, options) -> None:
        username = options["user"]
        if not username:
            raise CommandError("Say who builds it: --user USERNAME (or set CONVENOR_USER)")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username}")
        partnerships = access.visible(user, Partnership.objects.all())
        if options["partnership"]:
            partnership = partnerships.filter(slug=options["partnership"]).first()
            if partnership is None:
                raise CommandError(f"{username} is not in a partnership {options['partnership']}")
        elif partnerships.count() == 1:
            partnership = partnerships.get()
        else:
            names = ", ".join(p.slug for p in partnerships) or "none"
            raise CommandError(f"Choose the partnership with --partnership (yours: {names})")
        try:
            areas = services.resolve_areas(options["area"])
            key = ",".join(a.code for a in areas)
            profile = (
                access.visible(user, Profile.objects.all())
                .filter(partnership=partnership, area_codes=key)
                .first()
            )
            if profile is None:
                profile = services.create_profile(user, partnership, [a.code for a in areas])
                self.stdout.write(f"Created the profile “{profile.title}”")
            version = services.request_build(user, profile, options["period"], background=False)
        except ValidationError as problem:
            raise CommandError("; ".join(problem.messages)) from problem
        except PermissionDenied as problem:
            raise CommandError(str(problem)) from problem

        with tqdm(total=100, desc="Building", unit="%", file=self.stderr._out) as bar:

            def progress(percent: int, stage: str) -> None:
                bar.set_postfix_str(stage[:40])
                bar.update(max(0, percent - bar.n))

            version = services.run_build(version.pk, progress=progress)
        if version.status != version.Status.BUILT:
            raise CommandError(f"The build failed: {version.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built version {version.number} of “{profile.title}” for {version.period}: "
                f"{version.figures['response']['label']}"
            )
        )
        self.stdout.write(f"See it at {version.get_absolute_url()}")
