"""The mapping file (chs.yaml): which file is which table, column renames, value maps, date formats, time zone.

Read with bounded YAML (mapping_yaml: size, no anchors or aliases, no duplicate keys, nesting depth); every unknown
key is an error naming the key and the closest valid one. Parsed into a frozen `Mapping`.

    time_zone: Europe/Berlin      # timestamps with an offset are converted to this zone before their day is taken
    date_format: "%d/%m/%Y"       # default format of every date column (strptime codes)
    csv: {delimiter: ";", decimal_comma: true, encoding: cp1252}   # how every CSV file is written
    tables:
      subscriptions:
        file: subscription_periods.csv
        csv: {delimiter: ","}     # this file only (the other options still apply)
        date_format: "%Y-%m-%d"   # this file only
        columns: {account_id: customer_id, mrr: monthly_amount}
        end_date: exclusive       # or inclusive: end_date is the last day paid
        mrr_to_arr: 12
        through: 2019-12-31       # last day the export covers (default: its latest date)
      tickets:
        file: support_tickets.csv
        columns:
          opened_at: submitted_at
          priority: {from: priority, values: {urgent: P0, high: P1, medium: P2, low: P3}}
          escalated: {value: false}
"""
from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chs_core.contract import TABLES_BY_NAME
from chs_core.errors import DataError, Problem
from chs_core.sources.csv_layout import CsvOptions
from chs_core.sources.mapping_yaml import read_mapping_yaml
from chs_core.sources.subscriptions import SubscriptionRule

MAPPING_FILE = "chs.yaml"
TOP_KEYS = ("version", "time_zone", "date_format", "csv", "tables")
TABLE_KEYS = ("file", "columns", "csv", "date_format", "time_zone", "end_date", "mrr_to_arr", "through")
CSV_KEYS = ("delimiter", "decimal_comma", "encoding")
DELIMITER_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
COLUMN_KEYS = ("from", "values", "date_format", "multiply", "per", "times", "value")


@dataclass(frozen=True)
class ColumnMap:
    source: str | None  # column in the file (None with a constant value)
    values: tuple[tuple[str, str], ...] = ()  # (spelling in the file, contract code), matched ignoring case and spaces
    date_format: str | None = None
    multiply: float | None = None
    per: tuple[str, tuple[tuple[str, float], ...]] | None = None  # (file column, (code, factor)...): a row's factor
    times: tuple[str, ...] = ()  # file columns to multiply by (e.g. Quantity)
    constant: str | None = None


@dataclass(frozen=True)
class TableMap:
    file: str | None  # file in the data folder (or table in a database); None: the file named after the table
    columns: dict[str, ColumnMap] = field(default_factory=dict)  # contract column -> how to get it
    rule: SubscriptionRule = SubscriptionRule()
    csv: CsvOptions | None = None  # None: the mapping's own csv options
    date_format: str | None = None  # None: the mapping's
    time_zone: str | None = None  # None: the mapping's


@dataclass(frozen=True)
class Mapping:
    tables: dict[str, TableMap] = field(default_factory=dict)
    time_zone: str | None = None
    date_format: str | None = None
    origin: str = "mapping"
    csv: CsvOptions = CsvOptions()

    def csv_options(self, table: str) -> CsvOptions:
        spec = self.tables.get(table)
        return spec.csv if spec is not None and spec.csv is not None else self.csv


def _fail(where: str, message: str, fix: str) -> DataError:
    return DataError([Problem(where, None, None, message, fix)])


def _check_keys(where: str, given: dict, allowed: tuple[str, ...]) -> None:
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(allowed)}"
            raise _fail(where, f"unknown key {str(key)[:60]!r}", hint)


def _text(where: str, value: object) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise _fail(where, "expected a single value", "write a name or a value, not a list or mapping")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _factor(where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1e6:
        raise _fail(where, f"{str(value)[:40]!r} is not a factor", "write a positive number such as 12")
    return float(value)


def _per(where: str, spec: object) -> tuple[str, tuple[tuple[str, float], ...]] | None:
    """per: {from: Interval, values: {month: 12, year: 1}}: a factor per row, from a code in another column."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict) or "from" not in spec:
        raise _fail(where, "expected from: COLUMN and values: {code: factor}", "write {from: Interval, values: {month: 12, year: 1}}")
    _check_keys(where, spec, ("from", "values"))
    return (_text(where, spec["from"]),
            tuple((_text(where, k).strip().lower(), _factor(f"{where}.values", v)) for k, v in spec["values"].items()))


def _column(where: str, spec: object) -> ColumnMap:
    """A column spec: a file column's name, or {from, values, date_format, multiply, per, times} or {value}."""
    if not isinstance(spec, dict):
        return ColumnMap(source=_text(where, spec))
    _check_keys(where, spec, COLUMN_KEYS)
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise _fail(f"{where}.values", "expected a mapping of spellings to codes", "write {urgent: P0, high: P1}")
    times = spec.get("times") or ()
    times = (times,) if isinstance(times, str) else tuple(_text(f"{where}.times", t) for t in times)
    constant_only = "value" in spec and "from" not in spec
    return ColumnMap(source=None if constant_only else _text(where, spec.get("from", where.rsplit(".", 1)[-1])),
                     values=tuple((_text(where, k).strip().lower(), _text(where, v)) for k, v in values.items()),
                     date_format=None if spec.get("date_format") is None else _text(where, spec["date_format"]),
                     multiply=None if spec.get("multiply") is None else _factor(f"{where}.multiply", spec["multiply"]),
                     per=_per(f"{where}.per", spec.get("per")), times=times,
                     constant=None if spec.get("value") is None else _text(where, spec["value"]))


def _delimiter(where: str, value: object) -> str:
    text = DELIMITER_NAMES.get(str(value).lower(), str(value)) if isinstance(value, str) else None
    if text is None or len(text) != 1 or text in "\"'\r\n" or text.isalnum():
        raise _fail(f"{where}.delimiter", f"{str(value)[:20]!r} is not a delimiter",
                    'write one character in quotes, such as ";" or "|", or the word tab')
    return text


def _encoding(where: str, value: object) -> str:
    try:
        info = codecs.lookup(str(value))
    except LookupError:
        info = None
    if not isinstance(value, str) or info is None or not getattr(info, "_is_text_encoding", True):
        raise _fail(f"{where}.encoding", f"unknown text encoding {str(value)[:40]!r}",
                    "write utf-8, cp1252 (Excel on Windows), latin-1 or utf-16")
    return info.name


def _csv(where: str, spec: object, base: CsvOptions) -> CsvOptions:
    """csv: {delimiter, decimal_comma, encoding}; keys not given keep `base` (the mapping's own csv options)."""
    if not isinstance(spec, dict):
        raise _fail(where, "expected csv options", 'write {delimiter: ";", decimal_comma: true}')
    _check_keys(where, spec, CSV_KEYS)
    given = {}
    if "delimiter" in spec:
        given["delimiter"] = _delimiter(where, spec["delimiter"])
    if "decimal_comma" in spec:
        if not isinstance(spec["decimal_comma"], bool):
            raise _fail(f"{where}.decimal_comma", f"{str(spec['decimal_comma'])[:20]!r} is not true or false",
                        "write decimal_comma: true when numbers are written 1.234,5 (else false)")
        given["decimal_comma"] = spec["decimal_comma"]
    if "encoding" in spec:
        given["encoding"] = _encoding(where, spec["encoding"])
    return replace(base, **given)


def _zone(where: str, zone: object) -> str | None:
    if zone is None:
        return None
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(where, f"unknown time zone {str(zone)[:60]!r}",
                    "write an IANA name such as UTC, Europe/Berlin or America/New_York") from None
    return str(zone)


def _date_format(where: str, value: object) -> str | None:
    return None if value is None else _text(where, value)


def _rule(where: str, spec: dict) -> SubscriptionRule:
    ends = spec.get("end_date", "exclusive")
    if ends not in ("exclusive", "inclusive"):
        raise _fail(f"{where}.end_date", f"{str(ends)[:40]!r} is neither exclusive nor inclusive",
                    "write end_date: exclusive (first day no longer paid) or inclusive (last day paid)")
    factor = _factor(f"{where}.mrr_to_arr", spec.get("mrr_to_arr", 12))
    through = spec.get("through")
    if through is not None and not isinstance(through, date):
        raise _fail(f"{where}.through", f"{str(through)[:40]!r} is not a date", "write the date as YYYY-MM-DD")
    return SubscriptionRule(ends == "inclusive", float(factor), through)


def _file(where: str, value: object) -> str:
    """A file in the data folder (or a sub-folder of it): never an absolute path or one leading out with '..'."""
    name = _text(where, value)
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).anchor or ".." in PurePosixPath(
            name.replace("\\", "/")).parts:
        raise _fail(where, f"{name[:80]!r} lies outside the data folder",
                    "put the file in the data folder and write its name (a sub-folder such as exports/a.csv is fine)")
    return name


def _table(where: str, spec: object, base: CsvOptions) -> TableMap:
    if not isinstance(spec, dict):
        raise _fail(where, "expected a mapping with file and columns", "write file: NAME.csv and columns: {...}")
    name = where.rsplit(".", 1)[-1]
    _check_keys(where, spec, TABLE_KEYS if name == "subscriptions" else TABLE_KEYS[:-3])  # the rule: subscriptions
    known = TABLES_BY_NAME[name].column_names
    columns = spec.get("columns") or {}
    if not isinstance(columns, dict):
        raise _fail(f"{where}.columns", "expected contract column: file column pairs", "write {account_id: customer_id}")
    _check_keys(f"{where}.columns", columns, known)
    return TableMap(file=None if spec.get("file") is None else _file(f"{where}.file", spec["file"]),
                    columns={c: _column(f"{where}.columns.{c}", s) for c, s in columns.items()},
                    rule=_rule(where, spec) if name == "subscriptions" else SubscriptionRule(),
                    csv=_csv(f"{where}.csv", spec["csv"], base) if spec.get("csv") is not None else None,
                    date_format=_date_format(f"{where}.date_format", spec.get("date_format")),
                    time_zone=_zone(f"{where}.time_zone", spec.get("time_zone")))


def parse_mapping(data: object, origin: str = "mapping") -> Mapping:
    if data is None:
        return Mapping(origin=origin)
    if not isinstance(data, dict):
        raise _fail(origin, "a mapping file holds keys such as tables: and time_zone:", "see docs/own_data.md")
    _check_keys(origin, data, TOP_KEYS)
    tables = data.get("tables") or {}
    if not isinstance(tables, dict):
        raise _fail(f"{origin}: tables", "expected table: {file, columns} entries", "see docs/own_data.md")
    _check_keys(f"{origin}: tables", tables, tuple(TABLES_BY_NAME))
    base = _csv(f"{origin}: csv", data["csv"], CsvOptions()) if data.get("csv") is not None else CsvOptions()
    return Mapping(tables={t: _table(f"{origin}: tables.{t}", s, base) for t, s in tables.items()},
                   time_zone=_zone(f"{origin}: time_zone", data.get("time_zone")),
                   date_format=_date_format(f"{origin}: date_format", data.get("date_format")), origin=origin,
                   csv=base)


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; DataError names the file, the key and the fix."""
    return parse_mapping(read_mapping_yaml(Path(path)), origin=str(path))
