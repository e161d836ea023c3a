"""Ranked lists of organised crime groups: moved to :mod:`convenor.groups.selectors`, re-exported
here so callers do not change."""

from .selectors import local_authorities_of, ranked_groups

__all__ = ["local_authorities_of", "ranked_groups"]
