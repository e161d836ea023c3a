"""Demo SOC local profiles (seed 000: "SOC local profiles ... will map across at local authority
level"): Preston for the Preston Community Safety Partnership, built by the Lancashire SOC
project analyst for the last two quarters, with a published public summary (seed 002, rec. 5:
communicate overtly); Birmingham for the West Midlands partnership, built by the ROCU analyst.
The figures come from whatever the other apps' demos hold; nothing here is invented data."""

from __future__ import annotations

from django.utils import timezone

from convenor.core.demo import PRESTON, WEST_MIDLANDS
from convenor.core.models import Partnership, User

from . import services
from .models import Profile, ProfileVersion, PublicSummary
from .periods import Period

PROFILES = [
    # partnership, area codes, builder, title, publisher of the public summary (or None)
    (PRESTON, ["E07000123"], "lee.barnes", "SOC local profile: Preston", "kim.patel"),
    (WEST_MIDLANDS, ["E08000025"], "priya.shah", "SOC local profile: Birmingham", None),
]


def _version(user: User, profile: Profile, period: Period) -> ProfileVersion:
    existing = profile.versions.filter(
        period=str(period), status=ProfileVersion.Status.BUILT
    ).first()
    if existing is not None:
        return existing
    version = services.request_build(user, profile, str(period), background=False)
    return services.run_build(version.pk)


def load_demo() -> str:
    current = Period.containing(timezone.localdate())
    built = 0
    for partnership_name, codes, builder, title, publisher in PROFILES:
        partnership = Partnership.objects.get(name=partnership_name)
        user = User.objects.get(username=builder)
        areas = services.resolve_areas(codes)
        profile = Profile.objects.filter(
            partnership=partnership, area_codes=",".join(a.code for a in areas)
        ).first() or services.create_profile(user, partnership, codes, title)
        latest = None
        for period in (current.previous(), current):
            latest = _version(user, profile, period)
            built += 1
        if publisher and latest is not None and latest.status == ProfileVersion.Status.BUILT:
            summary = PublicSummary.objects.filter(version=latest).first()
            if summary is None:
                summary = services.prepare_public_summary(user, latest)
            if not summary.is_published:
                services.publish_public_summary(User.objects.get(username=publisher), summary)
    return f"{len(PROFILES)} local profiles, {built} versions"
