"""Dates as people say them: "last friday", "friday last week", "yesterday", "2026-11-13",
"2026-11-13 17:00", ISO timestamps with offsets, weeks such as "last" or "2026-W46".

A phrase resolves to a *local moment*: a calendar day, optionally with a time of day, that is
turned into an instant only once a time zone is known (a facility's own, or ``--tz``). A phrase
with an explicit UTC offset is an instant already and ignores the time zone.

"last <weekday>" is the most recent such day strictly before today; "<weekday> last week" is that
day in the previous Monday-to-Sunday week; "this <weekday>" / "<weekday> this week" is that day
in the current week.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ABBREVIATIONS = {name[:3]: name for name in WEEKDAYS}
EXAMPLES = "'last friday', 'friday last week', 'yesterday', '2026-11-13' or '2026-11-13 17:00'"


# Days a phrase may name: far wider than any data, narrow enough that the arithmetic on them (a
# day more, a week more, any time zone) never leaves Python's calendar (years 1 to 9999).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


class PhraseError(ValueError):
    """A phrase that cannot be read; the message says what would be understood."""


def check_day(day: dt.date, text: str) -> dt.date:
    """``day`` if within EARLIEST_DAY .. LATEST_DAY, else PhraseError naming ``text``."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PhraseError(
            f"{text!r} names {day.isoformat()}, outside the dates understood "
            f"({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}): use {EXAMPLES}"
        )
    return day


def _out_of_range(text: str) -> PhraseError:
    return PhraseError(
        f"{text!r} is outside the dates understood ({EARLIEST_DAY.isoformat()} to "
        f"{LATEST_DAY.isoformat()}): use {EXAMPLES}"
    )


@dataclass(frozen=True)
class LocalMoment:
    """A day (with an optional time of day) in a yet unknown zone, or an absolute instant."""

    text: str
    day: dt.date
    time: dt.time | None = None
    instant: dt.datetime | None = None

    @property
    def is_whole_day(self) -> bool:
        return self.time is None and self.instant is None

    def at_end(self, tz: ZoneInfo) -> dt.datetime:
        """The instant this moment means as an "as of": a day's last microsecond."""
        if self.instant is not None:
            return self.instant.astimezone(dt.UTC)
        if self.time is not None:
            return _local(self.day, self.time, tz)
        return _local(self.day + dt.timedelta(days=1), dt.time(), tz) - dt.timedelta(microseconds=1)

    def at_start(self, tz: ZoneInfo) -> dt.datetime:
        """The instant this moment means as the start of a period: a day's first instant."""
        if self.instant is not None:
            return self.instant.astimezone(dt.UTC)
        return _local(self.day, self.time or dt.time(), tz)

    def period_end(self, tz: ZoneInfo) -> dt.datetime:
        """Exclusive end of a period ending at this moment: a whole day is included."""
        if self.is_whole_day:
            return _local(self.day + dt.timedelta(days=1), dt.time(), tz)
        return self.at_start(tz)


def _local(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weekday(word: str) -> int | None:
    word = word.lower().rstrip(".")
    name = _ABBREVIATIONS.get(word[:3]) if len(word) >= 3 else None
    if name is None or not name.startswith(word):
        return None
    return WEEKDAYS.index(name)


_TIME = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")


def _parse_time(word: str) -> dt.time | None:
    match = _TIME.match(word)
    if not match:
        return None
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _relative_day(words: list[str], today: dt.date) -> dt.date | None:
    phrase = " ".join(words)
    if phrase in ("today", "now"):
        return today
    if phrase == "yesterday":
        return today - dt.timedelta(days=1)
    match = re.fullmatch(r"([0-9]{1,9}) days? ago", phrase)
    if match:
        return today - dt.timedelta(days=int(match[1]))
    if len(words) == 2 and words[0] in ("last", "this") and _weekday(words[1]) is not None:
        target = _weekday(words[1])
        assert target is not None
        if words[0] == "this":
            return week_start(today) + dt.timedelta(days=target)
        back = (today.weekday() - target) % 7 or 7
        return today - dt.timedelta(days=back)
    if len(words) == 3 and words[1:] in (["last", "week"], ["this", "week"]):
        target = _weekday(words[0])
        if target is None:
            return None
        monday = week_start(today) - dt.timedelta(days=7 if words[1] == "last" else 0)
        return monday + dt.timedelta(days=target)
    if len(words) == 1 and _weekday(words[0]) is not None:
        target = _weekday(words[0])
        assert target is not None
        return today - dt.timedelta(days=(today.weekday() - target) % 7)
    return None


def parse_moment(text: str, today: dt.date) -> LocalMoment:
    """Read a phrase relative to ``today`` (the reader's current local date); the day it names
    must lie within EARLIEST_DAY .. LATEST_DAY."""
    try:
        moment = _read_moment(text, today)
    except OverflowError:
        raise _out_of_range(text) from None
    check_day(moment.day, text)
    if moment.instant is not None:
        check_day(moment.instant.astimezone(dt.UTC).date(), text)
    return moment


def _read_moment(text: str, today: dt.date) -> LocalMoment:
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise PhraseError(f"empty date: use {EXAMPLES}")
    iso = cleaned.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", cleaned) else cleaned
    if re.match(r"^\d{4}-\d{2}-\d{2}", iso):
        return _parse_iso(text, iso)
    words = cleaned.lower().split(" ")
    time = _parse_time(words[-1]) if len(words) > 1 else None
    if time is not None:
        words = words[:-1]
        if words and words[-1] == "at":
            words = words[:-1]
    day = _relative_day(words, today)
    if day is None:
        raise PhraseError(f"cannot read {text!r} as a date: use {EXAMPLES}")
    return LocalMoment(text=text, day=day, time=time)


def _parse_iso(text: str, iso: str) -> LocalMoment:
    if len(iso) == 10:
        try:
            return LocalMoment(text=text, day=dt.date.fromisoformat(iso))
        except ValueError:
            raise PhraseError(f"{text!r} is not a valid date: use {EXAMPLES}") from None
    try:
        parsed = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        raise PhraseError(
            f"cannot read {text!r} as a timestamp: use '2026-11-13 17:00' or "
            f"'2026-11-13T17:00:00+01:00'"
        ) from None
    if parsed.tzinfo is not None:
        return LocalMoment(text=text, day=parsed.date(), instant=parsed)
    return LocalMoment(text=text, day=parsed.date(), time=parsed.time())


def parse_week(text: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """A Monday-to-Sunday week: 'last', 'this', 'YYYY-Www', or any day phrase inside the week.

    Returns the Monday and the following Monday (exclusive), both within EARLIEST_DAY ..
    LATEST_DAY."""
    try:
        monday = _read_week(text, today)
    except OverflowError:
        raise _out_of_range(text) from None
    check_day(monday, text)
    return monday, check_day(monday + dt.timedelta(days=7), text)


def _read_week(text: str, today: dt.date) -> dt.date:
    cleaned = text.strip().lower()
    if cleaned in ("last", "last week", "previous"):
        monday = week_start(today) - dt.timedelta(days=7)
    elif cleaned in ("this", "this week", "current"):
        monday = week_start(today)
    elif match := re.fullmatch(r"(\d{4})-?w(\d{1,2})", cleaned):
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise PhraseError(f"{text!r} is not an ISO week (YYYY-Www, weeks 1-53)") from None
    else:
        try:
            monday = week_start(parse_moment(text, today).day)
        except PhraseError:
            raise PhraseError(
                f"cannot read {text!r} as a week: use 'last', 'this', '2026-W46' or a date"
            ) from None
    return monday


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name, with a clear error."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise PhraseError(
            f"unknown time zone {name!r}: use an IANA name such as 'UTC' or 'Europe/Berlin'"
        ) from None
