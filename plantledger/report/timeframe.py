"""Date phrases to exact instants, per time zone (on top of :mod:`plantledger.timephrase`).

A day means that day in the facility's own time zone: the end of it for an as-of, the whole
local day for a period; ``--tz`` reads every day in one zone instead. A report over several
facilities in different zones therefore asks one question per zone: the result is a list of
:class:`Part` (instant or period, and the facilities it applies to), which the report runs as
one query part each and prints, so the reader sees exactly what was answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plantledger.params import ParameterError
from plantledger.report.warehouse import HistoryWindow, Warehouse
from plantledger.timephrase import (
    EARLIEST_DAY,
    EXAMPLES,
    LATEST_DAY,
    LocalMoment,
    PhraseError,
    check_day,
    parse_moment,
    parse_week,
    zone,
)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ZoneScope:
    """Facilities whose days are read in one time zone (facilities None: every facility)."""

    zone: str
    facilities: tuple[str, ...] | None


@dataclass(frozen=True)
class Part:
    """One resolved instant (as-of: start == end) or half-open period [start, end)."""

    zones: tuple[str, ...]
    facilities: tuple[str, ...] | None  # None: every facility
    start: dt.datetime
    end: dt.datetime
    probe_start: dt.datetime  # the span the phrase names, to check it against the data
    probe_end: dt.datetime


def add_time_zone_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tz",
        default=None,
        metavar="ZONE",
        help="read days and times in this IANA time zone (such as UTC or Europe/Berlin) instead "
        "of each facility's own",
    )
    parser.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="the date phrases such as 'yesterday' count from (default: today; in --tz if given)",
    )


def add_period_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--week",
        default=None,
        metavar="WEEK",
        help="a Monday-to-Sunday week: 'last', 'this', '2026-W46' or any day in it",
    )
    group.add_argument(
        "--on", default=None, metavar="DAY", help="one whole day, such as 'last friday'"
    )
    group.add_argument(
        "--from",
        dest="from_",
        default=None,
        metavar="WHEN",
        help="start of the period (a day means its start); with --to",
    )
    parser.add_argument(
        "--to",
        default=None,
        metavar="WHEN",
        help="end of the period, with --from; a day is included whole "
        "(default: the end of the data)",
    )


def reader_today(args: argparse.Namespace) -> dt.date:
    """The date relative phrases count from: --today, else today in --tz, else local today."""
    if getattr(args, "today", None):
        try:
            return check_day(dt.date.fromisoformat(args.today), args.today)
        except ValueError:
            raise ParameterError(
                f"--today must be a date such as 2026-11-21 from {EARLIEST_DAY} to "
                f"{LATEST_DAY}, got {args.today!r}"
            ) from None
    if getattr(args, "tz", None):
        return dt.datetime.now(_zone(args.tz)).date()
    return dt.date.today()


def _zone(name: str):
    try:
        return zone(name)
    except PhraseError as exc:
        raise ParameterError(f"--tz: {exc}") from None


def scopes(warehouse: Warehouse, facility: str | None, tz: str | None) -> tuple[ZoneScope, ...]:
    """The time zones the report's days are read in, with their facilities."""
    if tz is not None:
        _zone(tz)
        return (ZoneScope(tz, (facility,) if facility else None),)
    if facility is not None:
        return (ZoneScope(warehouse.facility(facility).timezone, (facility,)),)
    by_zone: dict[str, list[str]] = {}
    for code, entry in warehouse.facilities().items():
        by_zone.setdefault(entry.timezone, []).append(code)
    return tuple(ZoneScope(name, tuple(codes)) for name, codes in sorted(by_zone.items()))


def _moment(flag: str, text: str, today: dt.date) -> LocalMoment:
    try:
        return parse_moment(text, today)
    except PhraseError as exc:
        raise ParameterError(f"{flag}: {exc}") from None


def _merge(
    scoped: Iterable[tuple[ZoneScope, tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]]],
) -> list[Part]:
    """One part per distinct resolution; zones that resolve alike are asked together."""
    merged: dict[tuple[dt.datetime, ...], tuple[list[str], list[str] | None]] = {}
    for scope, key in scoped:
        zones, facilities = merged.setdefault(key, ([], None if scope.facilities is None else []))
        zones.append(scope.zone)
        if facilities is not None and scope.facilities is not None:
            facilities.extend(scope.facilities)
    parts = [
        Part(
            tuple(zones),
            None if facilities is None else tuple(sorted(facilities)),
            *key,
        )
        for key, (zones, facilities) in merged.items()
    ]
    return sorted(parts, key=lambda part: (part.start, part.zones))


def resolve_as_of(text: str, scoped: Sequence[ZoneScope], today: dt.date) -> list[Part]:
    moment = _moment("--as-of", text, today)
    resolved = []
    for scope in scoped:
        tz = zone(scope.zone)
        at = moment.at_end(tz)
        probe_start = moment.at_start(tz) if moment.is_whole_day else at
        resolved.append((scope, (at, at, probe_start, at)))
    return _merge(resolved)


def resolve_period(
    args: argparse.Namespace,
    scoped: Sequence[ZoneScope],
    today: dt.date,
    window: HistoryWindow,
) -> tuple[str, list[Part]]:
    """(a description of the period, its parts); the whole history when no option is given."""
    resolved = []
    if args.week is not None:
        try:
            monday, next_monday = parse_week(args.week, today)
        except PhraseError as exc:
            raise ParameterError(f"--week: {exc}") from None
        iso = monday.isocalendar()
        label = (
            f"week {iso.year}-W{iso.week:02d} ({monday.isoformat()} to "
            f"{(next_monday - dt.timedelta(days=1)).isoformat()})"
        )
        for scope in scoped:
            tz = zone(scope.zone)
            start = dt.datetime.combine(monday, dt.time(), tzinfo=tz).astimezone(dt.UTC)
            end = dt.datetime.combine(next_monday, dt.time(), tzinfo=tz).astimezone(dt.UTC)
            resolved.append((scope, (start, end, start, end)))
    elif args.on is not None:
        moment = _moment("--on", args.on, today)
        if not moment.is_whole_day:
            raise ParameterError(
                f"--on takes a day such as 'last friday' or '2026-11-13', got {args.on!r}; "
                "use --from and --to for a span of time"
            )
        label = f"{WEEKDAY_NAMES[moment.day.weekday()]} {moment.day.isoformat()}"
        for scope in scoped:
            tz = zone(scope.zone)
            start, end = moment.at_start(tz), moment.period_end(tz)
            resolved.append((scope, (start, end, start, end)))
    elif args.from_ is not None:
        first = _moment("--from", args.from_, today)
        last = _moment("--to", args.to, today) if args.to is not None else None
        label = f"from {args.from_!r} to " + (f"{args.to!r}" if args.to else "the end of the data")
        for scope in scoped:
            tz = zone(scope.zone)
            start = first.at_start(tz)
            end = last.period_end(tz) if last is not None else window.end_at
            if end <= start and last is None:
                raise ParameterError(
                    f"--from {args.from_!r} is outside the data, which runs from "
                    f"{_utc(window.first_entry_at)} to {_utc(window.end_at)}: choose a time "
                    "in between"
                )
            if end <= start:
                raise ParameterError(f"--to ({_utc(end)}) must be after --from ({_utc(start)})")
            resolved.append((scope, (start, end, start, end)))
    else:
        label = "the whole history"
        for scope in scoped:
            span = (window.first_entry_at, window.end_at)
            resolved.append((scope, (*span, *span)))
    if args.to is not None and args.from_ is None:
        raise ParameterError("--to needs --from (or use --week or --on)")
    return label, _merge(resolved)


def check_in_window(parts: Sequence[Part], window: HistoryWindow, flag: str, text: str) -> None:
    """A phrase that names a time outside the data is an error (one line)."""

    def outside(part: Part) -> bool:
        if part.probe_start == part.probe_end:  # an instant
            return part.probe_start < window.first_entry_at or part.probe_start > window.end_at
        return part.probe_end <= window.first_entry_at or part.probe_start >= window.end_at

    if parts and all(outside(part) for part in parts):
        raise ParameterError(
            f"{flag} {text!r} is outside the data, which runs from "
            f"{_utc(window.first_entry_at)} to {_utc(window.end_at)}: choose a time in between"
        )


def _utc(instant: dt.datetime) -> str:
    text = instant.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0").rstrip(".")
    return f"{text} UTC"


def format_instant(instant: dt.datetime, zone_name: str | None = None) -> str:
    """'2026-11-14 05:59:59.999999 UTC (2026-11-13 23:59:59.999999 America/Chicago)'."""
    text = _utc(instant)
    if zone_name and zone_name != "UTC":
        local = instant.astimezone(zone(zone_name)).strftime("%Y-%m-%d %H:%M:%S.%f")
        text += f" ({local.rstrip('0').rstrip('.')} {zone_name})"
    return text


def _zones(part: Part, limit: int = 3) -> str:
    if len(part.zones) == 1:
        return ""
    if len(part.zones) <= limit:
        return f" — {', '.join(part.zones)}"
    return f" — {', '.join(part.zones[:limit])} and {len(part.zones) - limit} more zones"


def _who(part: Part, limit: int = 4) -> str:
    if part.facilities is None:
        return "all facilities"
    if len(part.facilities) <= limit:
        return ", ".join(part.facilities)
    return f"{len(part.facilities)} facilities"


def describe_as_of(text: str, parts: Sequence[Part], window: HistoryWindow) -> list[str]:
    lines = [f"as of {text!r}:"]
    for part in parts:
        zone_name = part.zones[0] if len(part.zones) == 1 else None
        lines.append(f"  {format_instant(part.start, zone_name)}{_zones(part)}  [{_who(part)}]")
    if any(part.start > window.end_at for part in parts):
        lines.append(
            f"  note: the data ends at {_utc(window.end_at)}; later stock is shown as it was then"
        )
    return lines


def describe_period(label: str, parts: Sequence[Part], window: HistoryWindow) -> list[str]:
    lines = [f"{label}, from (inclusive) to (exclusive):"]
    for part in parts:
        zone_name = part.zones[0] if len(part.zones) == 1 else None
        lines.append(
            f"  {format_instant(part.start, zone_name)} to "
            f"{format_instant(part.end, zone_name)}{_zones(part)}  [{_who(part)}]"
        )
    if any(part.end > window.end_at or part.start < window.first_entry_at for part in parts):
        lines.append(
            f"  note: the data runs from {_utc(window.first_entry_at)} to {_utc(window.end_at)}"
        )
    return lines


__all__ = [
    "EXAMPLES",
    "Part",
    "ZoneScope",
    "add_period_arguments",
    "add_time_zone_arguments",
    "check_in_window",
    "describe_as_of",
    "describe_period",
    "format_instant",
    "reader_today",
    "resolve_as_of",
    "resolve_period",
    "scopes",
]
