"""Commands for a CSM: explain (why one account scores what it does, and how it moved), queue (the work queue)."""
from __future__ import annotations

import difflib
import json
import sys
from datetime import timedelta

from chs_core.cli.common import UsageError, add_data_options, opened_for_scoring, parse_date
from chs_core.export import safe_csv
from chs_core.workspace import QueueFilter, apply_filter, explain, explain_change, order_rule, queue_for
from chs_core.workspace.change import why_it_moved
from chs_core.workspace.evidence import account_evidence, events_between
from chs_core.workspace.history import account_metrics
from chs_core.workspace.words import rounded_to_total

QUEUE_CSV = ("account_id", "account_name", "segment", "region", "csm", "arr", "health_score", "tier", "coverage",
             "change_7d", "change_30d", "alert", "newly_at_risk", "reasons", "days_to_renewal", "days_since_touch",
             "next_action", "flags")


def register(sub) -> dict:
    p = sub.add_parser("explain", help="why an account scores what it does, and what changed since a date")
    p.add_argument("account_id")
    add_data_options(p)
    p.add_argument("--since", type=parse_date, default=None,
                   help="compare with the score on this date, YYYY-MM-DD (default: 30 days before the as-of date)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("queue", help="the at-risk work queue as CSV, in the order it is worked")
    add_data_options(p)
    p.add_argument("--csm", default=None, help="only this CSM's accounts (as spelled in accounts.csm)")
    p.add_argument("--all", action="store_true", help="every account, not only those below the at-risk cut-off")
    return {"explain": cmd_explain, "queue": cmd_queue}


def _known(value: str, valid: list[str], what: str, option: str) -> None:
    if value not in valid:
        close = difflib.get_close_matches(value, valid, n=1, cutoff=0.5)
        if close:
            hint = f" Did you mean '{close[0]}'?"
        elif len(valid) <= 20:
            hint = f" Valid: {', '.join(valid)}."
        else:
            hint = f" {len(valid):,} known; `python -m chs_core score` lists them."
        raise UsageError(f"{option} '{value}': no such {what} in the data.{hint}")


def cmd_explain(args) -> int:
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        _known(args.account_id, checked.accounts["account_id"].astype(str).tolist(), "account", "account id")
        since = args.since or as_of - timedelta(days=30)
        if since >= as_of:
            raise UsageError(f"--since {since} must be before the as-of date {as_of}")
        metrics = account_metrics(ds, model, args.account_id, [since, as_of])
        events = events_between(account_evidence(ds, args.account_id, as_of, model.signals), since, as_of)
    e = explain(metrics, model, args.account_id, as_of)
    if e is None:
        raise UsageError(f"{args.account_id} was not a customer on {as_of} (no ARR that month); pass an --as-of "
                         "date when it was paying")
    change = explain_change(metrics, model, args.account_id, since, as_of)
    why = why_it_moved(change, events)
    if args.format == "json":
        print(json.dumps({"explanation": e.to_dict(), "change": change.to_dict() | {"why": why}}, indent=2,
                         default=str))
        return 0
    name = checked.accounts.set_index("account_id").get("account_name", {}).get(args.account_id, "")
    sys.stdout.write(_text(e, change, name, why))
    return 0


def _text(e, change, name: str, why: str) -> str:
    score = "no score (too little data)" if not e.scored else f"{e.score:.1f} ({e.tier})"
    lines = [f"{e.account_id} {name}".rstrip(), f"Score {score} as of {e.as_of} · coverage {e.coverage:.0%} · "
             f"stage {e.lifecycle_stage} · overrides: {', '.join(e.overrides) or 'none'}", f"Play: {e.play}", ""]
    if e.scored:
        lines.append("Waterfall (points add up to the score):")
        shown = rounded_to_total(e.waterfall["points"].to_numpy())
        for row, pts in zip(e.waterfall.itertuples(), shown):
            lines.append(f"  {row.component or row.kind:<11} {row.label:<32} {pts:+7.1f}")
        lines.append(f"  {'':<11} {'= score':<32} {shown.sum():7.1f}")
    missing = e.metrics[e.metrics["status"] != ""]
    for row in missing.itertuples():
        lines.append(f"  {row.label}: {row.status}")
    for row in e.flags.itertuples():
        lines.append(f"Flag: {row.label} ({row.severity}): {row.action}")
    lines.append("")
    if change.note:
        lines.append(f"Change since {change.from_date}: {change.note}")
    else:
        lines.append(f"Change {change.from_date} -> {change.to_date}: {change.score_from:.1f} -> "
                     f"{change.score_to:.1f} ({change.change:+.1f})")
        shown = rounded_to_total(change.terms["change"].to_numpy())
        for row, pts in zip(change.terms.itertuples(), shown):
            values = f"{row.value_from} -> {row.value_to}" if row.kind != "cap" else ""
            lines.append(f"  {row.label:<32} {values:<28} {pts:+7.1f}")
        lines.append(why)
    return "\n".join(lines) + "\n"


def cmd_queue(args) -> int:
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        if args.csm is not None:
            _known(args.csm, sorted(checked.accounts["csm"].dropna().astype(str).unique()), "CSM", "--csm")
        queue = queue_for(ds, model, as_of)
    shown = apply_filter(queue, QueueFilter(scope="all" if args.all else "at_risk"))
    if args.csm is not None:
        shown = shown[shown["csm"] == args.csm]
    out = shown[list(QUEUE_CSV)].round({"health_score": 1, "coverage": 3, "change_7d": 1, "change_30d": 1})
    print(f"{len(out):,} accounts as of {as_of}. {order_rule()}", file=sys.stderr)
    sys.stdout.write(safe_csv(out))
    return 0
