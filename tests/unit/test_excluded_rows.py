"""validation.excluded_rows: the rows a checked source leaves out (account id in no account), per table."""
from __future__ import annotations

from chs_core.pipeline import check_source
from chs_core.validation import excluded_rows
from tests.fixtures import write_csv_folder
from tests.messy import full_book
from tests.stray_rows import EXPECTED, stray_rows_folder


def test_excluded_rows_counts_the_unmatched_rows_per_table(tmp_path):
    assert excluded_rows(check_source(stray_rows_folder(tmp_path / "strays")).problems) == EXPECTED


def test_a_clean_book_has_no_excluded_rows(tmp_path):
    assert excluded_rows(check_source(write_csv_folder(full_book(), tmp_path / "clean")).problems) == {}
