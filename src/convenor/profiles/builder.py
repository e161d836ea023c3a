"""Building a profile's figures: every available section in order, then the response level.

The result is plain JSON (ISO 8601 dates), frozen into a :class:`ProfileVersion` by
:func:`convenor.profiles.services.run_build`. ``progress(percent, stage)`` is told as each
section starts, so the page and the command line can show how far the build has gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone

from . import sections as registry
from .config import ProfileConfig
from .periods import Period
from .response import decide
from .sections import BuildContext

# Importing the section modules registers them.
from .sections import area as _area  # noqa: F401
from .sections import sources as _sources  # noqa: F401

SCHEMA = 1
Progress = Callable[[int, str], None]


def _ignore(percent: int, stage: str) -> None:
    return None


def build_figures(
    *,
    area_codes: list[str],
    period: Period,
    user,
    partnership,
    config: ProfileConfig,
    progress: Progress = _ignore,
) -> dict:
    ctx = BuildContext(
        area_codes=sorted(area_codes),
        period=period,
        user=user,
        partnership=partnership,
        config=config,
    )
    available = registry.available_sections()
    sections: dict[str, dict] = {}
    metrics: dict[str, float] = {}
    timings: dict[str, float] = {}
    for index, sec in enumerate(available):
        progress(int(100 * index / (len(available) + 1)), sec.title)
        started = time.perf_counter()
        result = sec.build(ctx)
        timings[sec.key] = round(time.perf_counter() - started, 3)
        ctx.results[sec.key] = result
        sections[sec.key] = {
            "title": sec.title,
            "description": sec.description,
            "figures": result.figures,
            "sources": [s.as_dict() for s in result.sources],
            "notes": result.notes,
        }
        metrics.update(result.metrics)
    progress(int(100 * len(available) / (len(available) + 1)), "Response level")
    decision = decide(metrics, config.response)
    progress(100, "Done")
    return {
        "schema": SCHEMA,
        "period": str(period),
        "period_label": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "area_codes": ctx.area_codes,
        "partnership": partnership.name,
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "suppression_threshold": config.suppression_threshold,
        "sections": sections,
        "missing_sections": [
            {"key": s.key, "title": s.title, "needs": list(s.needs)}
            for s in registry.missing_sections()
        ],
        "metrics": metrics,
        "response": decision.as_dict(),
        "config_source": config.source,
        "timings": timings,
    }
