"""The mapping file: renames, value maps, date formats, time zones and factors; bounded YAML; init-mapping; the
ready mappings of docs/own_data.md on exports shaped like Stripe's and a CRM's, and RavenStack with no code."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.errors import DataError
from chs_core.pipeline import check_source
from chs_core.sources import source_for
from chs_core.sources.mapping import load_mapping

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT.parent / "shared" / "external"
TODAY = date(2026, 11, 23)


def doc_mapping(heading: str) -> str:
    """The first yaml block under a heading of docs/own_data.md."""
    text = (ROOT / "docs" / "own_data.md").read_text()
    section = text[text.index(heading):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def frame(ds, sql: str) -> pd.DataFrame:
    return ds.df(sql)


def test_ravenstack_loads_with_the_documented_mapping_and_no_code(tmp_path):
    raw = EXTERNAL / "ravenstack"
    if not raw.exists():
        pytest.skip("../shared/external/ravenstack is not on this machine")
    (tmp_path / "chs.yaml").write_text(doc_mapping("## RavenStack"))
    source = source_for(raw, tmp_path / "chs.yaml")
    checked = check_source(source, TODAY)
    assert checked.errors == []
    # SOURCE.md: 54 % of tickets predate the account's signup; reported as today, as a warning on the column.
    before = [p for p in checked.warnings if p.table == "tickets" and p.column == "opened_at"]
    assert before and before[0].rows > 500
    assert checked.default_as_of == date(2024, 12, 31)
    # Second method, by hand in pandas: ARR of a month = arr_amount of the subscriptions active on its last day.
    subs = pd.read_csv(raw / "ravenstack_subscriptions.csv", parse_dates=["start_date", "end_date"])
    with source.open() as ds:
        derived = ds.df("SELECT account_id, month, arr FROM arr_monthly")
        tickets = ds.df("SELECT priority, count(*) AS n FROM tickets GROUP BY 1")
    for month_end in ("2023-06-30", "2024-12-31"):
        day = pd.Timestamp(month_end)
        active = subs[(subs.start_date <= day) & (subs.end_date.isna() | (subs.end_date > day))]
        expected = active.groupby("account_id")["arr_amount"].sum()
        got = derived[pd.to_datetime(derived.month) == day.replace(day=1)].set_index("account_id")["arr"]
        assert got.sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict())
    # SOURCE.md: every account still has a paid subscription on 2024-12-31; priorities mapped to P0-P3.
    assert len(got) == 500 and set(tickets["priority"]) == {"P0", "P1", "P2", "P3"}


STRIPE_EXPORT = """id,Customer ID,Customer Description,Plan,Product,Quantity,Interval,Amount,Status,Created (UTC),Start (UTC),Current Period Start (UTC),Current Period End (UTC),Canceled At (UTC),Ended At (UTC)
sub_1,cus_A,Acme,Team,App,2,month,49.00,active,2025-01-03 10:00,2025-01-03 10:00,2025-05-03 10:00,2025-06-03 10:00,,
sub_2,cus_B,Beta,Annual,App,1,year,1200.00,active,2025-02-01 09:00,2025-02-01 09:00,2025-02-01 09:00,2026-02-01 09:00,,
sub_3,cus_C,Cee,Team,App,1,month,49.00,canceled,2025-01-10 08:00,2025-01-10 08:00,2025-03-10 08:00,2025-04-10 08:00,2025-03-01 12:00,2025-04-10 08:00
sub_4,cus_D,Dee,Team,App,3,month,49.00,trialing,2025-05-20 08:00,2025-05-20 08:00,2025-05-20 08:00,2025-06-03 08:00,,
"""


def test_the_stripe_mapping_reads_a_stripe_shaped_export(tmp_path):
    (tmp_path / "subscriptions.csv").write_text(STRIPE_EXPORT)
    (tmp_path / "chs.yaml").write_text(doc_mapping("## Stripe") + "    through: 2025-05-31\n")
    with source_for(tmp_path).open() as ds:
        arr = {(a, f"{m:%Y-%m}"): v for a, m, v in ds.rows("SELECT account_id, month, arr FROM arr_monthly")}
    # A: 49 x 2 seats x 12 = 1176 from January. B: 1200 a year from February. C: ended Apr 10, so Jan-Mar only.
    # D: trialing, so a May row with no ARR.
    assert arr[("cus_A", "2025-01")] == pytest.approx(1176) and arr[("cus_A", "2025-05")] == pytest.approx(1176)
    assert ("cus_B", "2025-01") not in arr and arr[("cus_B", "2025-02")] == pytest.approx(1200)
    assert arr[("cus_C", "2025-03")] == pytest.approx(588) and ("cus_C", "2025-04") not in arr
    assert arr[("cus_D", "2025-05")] == 0


def test_a_row_with_no_factor_is_reported_never_a_wrong_number(tmp_path):
    (tmp_path / "subscriptions.csv").write_text(STRIPE_EXPORT.replace(",1,year,", ",1,quarter,"))
    (tmp_path / "chs.yaml").write_text(doc_mapping("## Stripe"))
    errors = check_source(tmp_path, TODAY).errors
    assert any(p.table == "subscriptions" and p.column == "arr" and "no factor for 1200.00" in p.message for p in errors)


CRM_EXPORT = """Account ID,Account Name,Segment,Industry,Billing Country,Account Owner,Licensed Seats,Renewal Date,Customer Since
cus_A,Acme,Small Business,Retail,US,Dana,10,03/31/2026,01/03/2025
cus_B,Beta,  strategic ,Banking,DE,Eli,200,12/31/2025,02/01/2025
"""


def test_the_crm_mapping_reads_a_crm_accounts_export_with_us_dates(tmp_path):
    (tmp_path / "accounts.csv").write_text(CRM_EXPORT)
    (tmp_path / "arr_monthly.csv").write_text("account_id,month,arr\ncus_A,2025-01-01,1000\ncus_B,2025-02-01,5000\n")
    (tmp_path / "chs.yaml").write_text(doc_mapping("## A CRM accounts export"))
    with source_for(tmp_path).open() as ds:
        rows = ds.rows("SELECT account_id, segment, region, csm, renewal_date, customer_since FROM accounts "
                       "ORDER BY account_id")
    assert rows == [("cus_A", "SMB", "US", "Dana", date(2026, 3, 31), date(2025, 1, 3)),
                    ("cus_B", "Enterprise", "DE", "Eli", date(2025, 12, 31), date(2025, 2, 1))]
    assert check_source(tmp_path, TODAY).errors == []


def test_a_date_that_does_not_fit_the_format_is_reported_not_emptied(tmp_path):
    (tmp_path / "accounts.csv").write_text(CRM_EXPORT.replace("03/31/2026", "31/03/2026"))
    (tmp_path / "arr_monthly.csv").write_text("account_id,month,arr\ncus_A,2025-01-01,1000\n")
    (tmp_path / "chs.yaml").write_text(doc_mapping("## A CRM accounts export"))
    errors = check_source(tmp_path, TODAY).errors
    assert any(p.column == "renewal_date" and "'31/03/2026'" in p.message for p in errors)


@pytest.mark.parametrize(("zone", "month"), [("UTC", "2025-11"), ("Europe/Berlin", "2025-12")])
def test_times_with_offsets_take_their_month_in_the_mapping_time_zone(tmp_path, zone, month):
    (tmp_path / "arr_monthly.csv").write_text("account_id,month,arr\nA,2025-12-01T00:30:00+01:00,100\n")
    (tmp_path / "chs.yaml").write_text(f"time_zone: {zone}\n")
    with source_for(tmp_path).open() as ds:
        assert f"{ds.scalar('SELECT month FROM arr_monthly'):%Y-%m}" == month


@pytest.mark.parametrize(("text", "words"), [
    ("a: &x [1, 2]\nb: *x\n", "anchors"),
    ("tables:\n  accounts: {file: a.csv}\n  accounts: {file: b.csv}\n", "appears twice"),
    ("tabels: {}\n", "did you mean 'tables'"),
    ("tables:\n  tickets:\n    columns:\n      opend_at: created\n", "did you mean 'opened_at'"),
    ("time_zone: Mars/Olympus\n", "unknown time zone"),
    ("tables:\n  subscriptions:\n    end_date: sometimes\n", "neither exclusive nor inclusive"),
    ("x:" + " [" * 20 + "1" + "]" * 20 + "\n", "nested more than"),
])
def test_bad_mapping_files_are_refused_naming_the_key(tmp_path, text, words):
    path = tmp_path / "chs.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        load_mapping(path)
    assert words in str(err.value)


def test_a_huge_mapping_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "chs.yaml"
    path.write_text("# " + "x" * 300_000 + "\n")
    with pytest.raises(DataError, match="larger than"):
        load_mapping(path)


def test_init_mapping_proposes_names_and_codes_and_writes_a_file_that_loads(tmp_path, capsys):
    (tmp_path / "support_tickets.csv").write_text(
        "ticket_id,customer_id,submitted_at,closed_at,priority\nT1,A,2025-01-02,2025-01-03,Urgent\n"
        "T2,A,2025-01-05,,low\nT3,B,2025-02-01,,Blocker!\n")
    (tmp_path / "billing.csv").write_text("customer_id,start_date,end_date,monthly_amount\nA,2025-01-01,,10\n"
                                         "B,2025-01-01,,20\n")
    assert main(["init-mapping", str(tmp_path), "-o", str(tmp_path / "chs.yaml")]) == 0
    text = (tmp_path / "chs.yaml").read_text()
    assert 'file: "support_tickets.csv"' in text and 'file: "billing.csv"' in text
    assert 'opened_at: "submitted_at"' in text and 'mrr: "monthly_amount"' in text
    assert '"Urgent": "P0"' in text and '"low": "P3"' in text and '"Blocker!" (1 rows)' in text
    # The proposal loads as it is: the one unknown code is reported by validation, with its count.
    checked = check_source(tmp_path, TODAY)
    assert [p.column for p in checked.errors] == ["priority"] and checked.errors[0].rows == 1
    assert main(["init-mapping", str(tmp_path), "-o", str(tmp_path / "chs.yaml")]) == 2  # never overwrites
    assert "--force" in capsys.readouterr().err
