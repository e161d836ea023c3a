"""Profile periods: calendar quarters written like 2025Q4 (October to December 2025)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

PERIOD_PATTERN = re.compile(r"^[0-9]{4}Q[1-4]$")
_MONTHS = ["January", "April", "July", "October"]
_END_MONTHS = ["March", "June", "September", "December"]


class PeriodError(ValueError):
    """A period that is not a quarter like 2025Q4; the message says what is expected."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @classmethod
    def parse(cls, raw: object) -> Period:
        text = str(raw or "").strip().upper().replace(" ", "").replace("-", "")
        if not PERIOD_PATTERN.match(text):
            shown = str(raw)[:20]
            raise PeriodError(f"“{shown}” is not a period: enter a quarter like 2025Q4")
        year, quarter = int(text[:4]), int(text[5])
        if not 2000 <= year <= 2100:
            raise PeriodError(f"{year} is out of range: enter a year from 2000 to 2100")
        return cls(year, quarter)

    @classmethod
    def containing(cls, day: datetime.date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{_MONTHS[self.quarter - 1]} to {_END_MONTHS[self.quarter - 1]} {self.year}"

    def next(self) -> Period:
        return Period(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> Period:
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def trailing(self, count: int) -> list[Period]:
        """This period and the ``count - 1`` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return list(reversed(periods))
