"""CSV options in the mapping file (csv: for every file, or per table): a European Excel export (semicolons,
decimal commas, day.month.year dates, cp1252 text) read through chs.yaml gives the ARR worked out by hand;
mixed line endings read through a mapping too; a wrong option is refused naming the key and the fix."""
from __future__ import annotations

from datetime import date

import pytest

from chs_core.cli import main
from chs_core.errors import DataError
from chs_core.pipeline import check_source
from chs_core.sources import source_for
from chs_core.sources.mapping import load_mapping

TODAY = date(2026, 11, 23)
# German Excel ("CSV (Trennzeichen-getrennt)"): ';' between fields, ',' for decimals, '.' grouping thousands.
BILLING = ("Kunde;Beginn;Ende;Monatsbetrag\r\n"
           "A;15.01.2025;;1.234,50\r\n"       # ARR 1.234,50 x 12 = 14 814 from January (active on Jan 31)
           "B;01.02.2025;01.04.2025;99,90\r\n"  # 99,90 x 12 = 1 198,80 in February and March, gone by April
           "C;01.03.2025;;2.000\r\n")           # 2.000 is two thousand: 24 000 from March
CUSTOMERS = ("Kundennummer;Name;Segment;Lizenzen\r\n"
             "A;Müller GmbH;SMB;1.000\r\n"  # 1.000 licences are a thousand, never 1
             "B;Bäckerei Groß;SMB;12\r\n"
             "C;Özdemir AG;Enterprise;250\r\n")
MAPPING = """csv: {delimiter: ";", decimal_comma: true, encoding: cp1252}
date_format: "%d.%m.%Y"
tables:
  subscriptions:
    file: abrechnung.csv
    columns: {account_id: Kunde, start_date: Beginn, end_date: Ende, mrr: Monatsbetrag}
    through: 2025-04-30
  accounts:
    file: kunden.csv
    columns: {account_id: Kundennummer, account_name: Name, licensed_seats: Lizenzen}
"""


def _export(folder, mapping: str = MAPPING):
    (folder / "abrechnung.csv").write_bytes(BILLING.encode("cp1252"))
    (folder / "kunden.csv").write_bytes(CUSTOMERS.encode("cp1252"))
    (folder / "chs.yaml").write_text(mapping)
    return folder


def test_a_semicolon_decimal_comma_cp1252_export_gives_the_arr_worked_out_by_hand(tmp_path):
    folder = _export(tmp_path)
    with source_for(folder).open() as ds:
        arr = {(a, f"{m:%Y-%m}"): v for a, m, v in ds.rows("SELECT account_id, month, arr FROM arr_monthly")}
        accounts = ds.rows("SELECT account_id, account_name, licensed_seats FROM accounts ORDER BY 1")
    assert arr == pytest.approx({
        ("A", "2025-01"): 14814.0, ("A", "2025-02"): 14814.0, ("A", "2025-03"): 14814.0, ("A", "2025-04"): 14814.0,
        ("B", "2025-02"): 1198.8, ("B", "2025-03"): 1198.8,
        ("C", "2025-03"): 24000.0, ("C", "2025-04"): 24000.0})
    assert accounts == [("A", "Müller GmbH", 1000), ("B", "Bäckerei Groß", 12), ("C", "Özdemir AG", 250)]
    assert check_source(folder, TODAY).errors == []


def test_the_same_export_without_the_options_is_reported_never_misread(tmp_path):
    folder = _export(tmp_path, MAPPING.replace("decimal_comma: true, encoding: cp1252", "decimal_comma: false"))
    errors = check_source(folder, TODAY).errors
    said = "\n".join(map(str, errors))
    assert "kunden.csv is not UTF-8 text" in said and "encoding: cp1252" in said
    folder = _export(tmp_path, MAPPING.replace("decimal_comma: true", "decimal_comma: false"))
    errors = check_source(folder, TODAY).errors
    assert any(p.table == "subscriptions" and p.column == "mrr" and "'1.234,50'" in p.message
               and "csv: {decimal_comma: true}" in p.fix for p in errors)


def test_a_table_option_overrides_the_mapping_wide_one(tmp_path):
    folder = _export(tmp_path)
    (folder / "kunden.csv").write_text(CUSTOMERS.replace(";", "|").replace("1.000", "1000"), encoding="utf-8")
    mapping = MAPPING.replace("    file: kunden.csv\n",
                              '    file: kunden.csv\n    csv: {delimiter: "|", encoding: utf-8}\n')
    (folder / "chs.yaml").write_text(mapping)
    with source_for(folder).open() as ds:
        assert ds.rows("SELECT account_name, licensed_seats FROM accounts WHERE account_id = 'A'") == [
            ("Müller GmbH", 1000)]
        assert ds.scalar("SELECT sum(arr) FROM arr_monthly WHERE month = DATE '2025-03-01'") == pytest.approx(
            14814.0 + 1198.8 + 24000.0)


def test_mixed_line_endings_read_through_a_mapping(tmp_path):
    lines = BILLING.encode("cp1252").split(b"\r\n")
    (tmp_path / "abrechnung.csv").write_bytes(b"\r\n".join(lines[:2]) + b"\n" + b"\n".join(lines[2:]))
    (tmp_path / "kunden.csv").write_bytes(CUSTOMERS.encode("cp1252"))
    (tmp_path / "chs.yaml").write_text(MAPPING.replace(", encoding: cp1252", "").replace(
        "  accounts:\n", "  accounts:\n    csv: {encoding: cp1252}\n"))
    with source_for(tmp_path).open() as ds:
        assert ds.scalar("SELECT sum(arr) FROM arr_monthly WHERE month = DATE '2025-03-01'") == pytest.approx(
            14814.0 + 1198.8 + 24000.0)


@pytest.mark.parametrize(("csv", "words"), [
    ("{delimiter: ';', decimal: true}", ("csv: unknown key 'decimal'", "did you mean 'decimal_comma'")),
    ("{seperator: ';'}", ("csv: unknown key 'seperator'", "delimiter, decimal_comma, encoding")),
    ("{delimiter: ';;'}", ("csv.delimiter", "';;' is not a delimiter", "one character")),
    ("{decimal_comma: sometimes}", ("csv.decimal_comma", "'sometimes' is not true or false")),
    ("{encoding: klingon}", ("csv.encoding", "unknown text encoding 'klingon'", "cp1252")),
    ("';'", ("csv: expected csv options", "decimal_comma: true")),
])
def test_a_wrong_csv_option_is_refused_naming_the_key(tmp_path, capsys, csv, words):
    folder = _export(tmp_path, MAPPING.replace('csv: {delimiter: ";", decimal_comma: true, encoding: cp1252}',
                                               f"csv: {csv}"))
    with pytest.raises(DataError) as err:
        load_mapping(folder / "chs.yaml")
    for word in words:
        assert word in str(err.value)
    assert main(["validate", "--data", str(folder)]) == 2  # the CLI says the same, without a traceback
    said = capsys.readouterr().err
    assert words[0] in said and "Traceback" not in said


def test_a_table_level_unknown_option_names_the_table(tmp_path):
    folder = _export(tmp_path, MAPPING.replace("    file: kunden.csv\n", "    file: kunden.csv\n    csv: {delim: x}\n"))
    with pytest.raises(DataError, match=r"tables\.accounts\.csv: unknown key 'delim'.*did you mean 'delimiter'"):
        load_mapping(folder / "chs.yaml")
    # The subscriptions rule (through, end_date, mrr_to_arr) under another table would be ignored: refused.
    folder = _export(tmp_path, MAPPING.replace("    file: kunden.csv\n", "    file: kunden.csv\n    through: 2025-04-30\n"))
    with pytest.raises(DataError, match=r"tables\.accounts: unknown key 'through'"):
        load_mapping(folder / "chs.yaml")


def test_init_mapping_proposes_the_encoding_and_decimal_commas_it_finds(tmp_path, capsys):
    (tmp_path / "customers.csv").write_bytes(
        "account_id;account_name;segment;licensed_seats\r\nA;Müller GmbH;SMB;10\r\nB;Groß AG;SMB;12\r\n".encode("cp1252"))
    (tmp_path / "billing.csv").write_text("customer_id;start_date;end_date;monthly_amount\n"
                                         "A;2025-01-15;;1.234,50\nB;2025-02-01;2025-04-01;99,90\n")
    (tmp_path / "us_billing.csv").write_text('invoice_id,customer_id,due_date,amount\nI1,A,2025-01-31,"1,200"\n')
    assert main(["init-mapping", str(tmp_path), "-o", str(tmp_path / "chs.yaml")]) == 0
    text = (tmp_path / "chs.yaml").read_text()
    assert 'file: "customers.csv"\n    csv: {encoding: "cp1252"}' in text
    assert 'file: "billing.csv"\n    csv: {decimal_comma: true}' in text
    assert 'file: "us_billing.csv"\n    columns' in text  # "1,200" may be a thousands comma: nothing proposed
    (tmp_path / "chs.yaml").write_text(text.replace("    mrr_to_arr: 12", "    mrr_to_arr: 12\n    through: 2025-04-30"))
    with source_for(tmp_path).open() as ds:
        assert ds.scalar("SELECT account_name FROM accounts WHERE account_id = 'A'") == "Müller GmbH"
        assert ds.scalar("SELECT sum(arr) FROM arr_monthly WHERE month = DATE '2025-03-01'") == pytest.approx(
            14814.0 + 1198.8)
