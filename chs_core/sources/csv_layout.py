"""How a CSV file is laid out, read from its first lines as spreadsheet exports write them.

Handled: a UTF-8 byte-order mark; Excel's "sep=;" first line (the delimiter it names, the line
skipped); semicolons as the delimiter when the header has semicolons and no comma (European
Excel); empty header cells (trailing commas) named column_<n> so the rest still reads; a file
whose first megabyte mixes Windows (CRLF) and Unix (LF) line endings, read row by row in Python
(DuckDB's strict reader stops on it, its lenient one drops fields). Refused with a message: two
headers that differ only in case ("arr" and "ARR": which one is ARR?).

`CsvOptions` are the reader options a mapping file may set (csv: in chs.yaml, for every file or one):
the delimiter, decimal commas ("1.234,5" is 1234.5) in the contract's number columns, and the text
encoding (Excel on Windows writes cp1252); a file in another encoding than UTF-8 is read in Python.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

PROBE_BYTES = 1 << 20
MAX_COLUMNS = 2_000  # DuckDB takes minutes over a 200,000-column header; no export of one table is that wide
SEP_LINE = re.compile(r"^sep=(.)$")
DECIMAL_COMMA_NUMBER = re.compile(r"^\s*[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]*),[0-9]+\s*$")  # 1.234,5 or 12,5


class UnreadableFile(ValueError):
    """A CSV file that cannot be read as it is; `fix` says what to change."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str | None = None  # None: tab for .tsv, a "sep=" line's, ';' for a semicolon-only header, else ','
    decimal_comma: bool = False  # number columns write 1.234,5 for 1234.5
    encoding: str = "utf-8"  # a Python codec name (a UTF-8 byte-order mark is skipped)

    @property
    def encoding_name(self) -> str:
        return "UTF-8" if self.encoding == "utf-8" else self.encoding

    @property
    def text_encoding(self) -> str:
        return "utf-8-sig" if self.encoding == "utf-8" else self.encoding


@dataclass(frozen=True)
class CsvLayout:
    delimiter: str
    skip: int  # lines before the header (a "sep=" line)
    header: tuple[str, ...]  # column names as written, empty ones named column_<n>
    mixed_line_endings: bool


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _head(path: Path) -> bytes:
    with _open_binary(path) as handle:
        return handle.read(PROBE_BYTES)


def _first_lines(head: bytes, encoding: str, n: int = 2) -> list[str]:
    text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
    return text.splitlines()[:n]


def inspect_csv(path: Path, options: CsvOptions = CsvOptions()) -> CsvLayout:
    """The layout of a CSV file from its first megabyte; raises UnicodeDecodeError, or UnreadableFile."""
    head = _head(path)
    if len(head) == PROBE_BYTES and b"\n" not in head and b"\r" not in head:
        raise UnreadableFile("the first line is longer than 1 MB, so it is no header row",
                             "write a header row with the column names, then one line per row")
    lines = _first_lines(head, options.text_encoding)
    if not lines or not lines[0].strip():
        raise UnreadableFile("the file is empty or its first line is blank",
                             "write a header row with the column names, then the rows")
    skip, delimiter = 0, options.delimiter
    sep = SEP_LINE.match(lines[0].strip())
    if sep:
        skip, delimiter = 1, delimiter or sep.group(1)
        lines = lines[1:]
        if not lines:
            raise UnreadableFile("the file holds only a 'sep=' line", "add a header row and the rows")
    if delimiter is None:
        delimiter = "\t" if path.name.endswith((".tsv", ".tsv.gz")) else ","
        if delimiter == "," and ";" in lines[0] and "," not in lines[0]:
            delimiter = ";"
    header = next(csv.reader([lines[0]], delimiter=delimiter), [])
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(f"the header has {len(header):,} columns (a contract table has a dozen)",
                             f"give the export of one table, with at most {MAX_COLUMNS:,} columns")
    named = tuple(h if h.strip() else f"column_{i + 1}" for i, h in enumerate(header))
    refuse_case_twins(named)
    crlf = head.count(b"\r\n")
    mixed = 0 < crlf < head.count(b"\n")
    return CsvLayout(delimiter, skip, named, mixed)


def refuse_case_twins(header: tuple[str, ...]) -> None:
    seen: dict[str, str] = {}
    for name in header:
        key = name.strip().lower()
        if key in seen:
            shown = [n[:40] for n in (seen[key], name)]
            raise UnreadableFile(f"the columns {shown[0]!r} and {shown[1]!r} have the same name "
                                 "(names are matched ignoring case), so it is unclear which one to use",
                                 "rename or remove one of the two columns")
        seen[key] = name


def read_rows(path: Path, layout: CsvLayout, encoding: str = "utf-8-sig") -> list[list[str | None]]:
    """Every data row, read by Python's csv module (any line ending); raises UnreadableFile at a bad line."""
    rows: list[list[str | None]] = []
    width = len(layout.header)
    with _open_binary(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        reader = csv.reader(text, delimiter=layout.delimiter, strict=True)
        try:
            for _ in range(layout.skip + 1):
                next(reader, None)
            for row in reader:
                if not row:
                    continue
                if len(row) != width:
                    raise UnreadableFile(f"line {reader.line_num} has {len(row)} fields but the header has {width}",
                                         "quote values that contain the delimiter (e.g. \"1,000\"), or remove "
                                         "thousands separators")
                rows.append([v if v != "" else None for v in row])
        except csv.Error as exc:
            raise UnreadableFile(f"line {reader.line_num}: {str(exc)[:120]}",
                                 "check the quotes on that line (a value with a quote inside is written \"\")") from None
    return rows
