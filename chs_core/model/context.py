"""The pieces of model parsing shared by the base model and its overrides: where an error is, and the checks.

`Ctx` builds every ModelError (file, key path, closest valid name); `parse_norm`,
`check_weights` and `check_tiers` are the rules a base model and an overridden one must both obey.
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from chs_core.errors import ModelError
from chs_core.model.schema import DIRECTIONS, Component, Normalisation, Tier
from chs_core.model.yaml_safe import SHOWN, shorten

MAX_NUMBER = 1e9  # no weight, threshold or cap in a model is near this; 1e308 weights overflow the sums

NORM_KEYS = {"higher_better": ("bad", "good"), "lower_better": ("bad", "good"),
             "band": ("band", "bad_below", "bad_above")}


@dataclass(frozen=True)
class Ctx:
    """Where we are: the source file name, used in every message."""

    source: str

    def fail(self, path: str, problem: str, wrong: str | None = None, valid: Iterable[str] = ()) -> ModelError:
        valid = [str(v) for v in valid]
        # A value longer than any valid name cannot be close to one (and difflib on it would be slow).
        close = (difflib.get_close_matches(wrong, valid, n=1, cutoff=0.5)
                 if wrong is not None and len(wrong) <= SHOWN else [])
        msg = f"{self.source}: {path[:200]}: {problem[:500]}"
        if close:
            msg += f" Did you mean '{close[0]}'?"
        elif valid:
            msg += f" Valid: {', '.join(valid)}."
        err = ModelError(msg)
        err.key, err.suggestion = path, (close[0] if close else None)
        return err

    def mapping(self, obj: object, path: str) -> dict:
        if not isinstance(obj, dict):
            raise self.fail(path, f"expected a mapping (key: value lines), got {_kind(obj)}.")
        return obj

    def keys(self, obj: dict, path: str, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = tuple(allowed)
        for k in obj:
            if k not in allowed:
                raise self.fail(_join(path, str(k)[:SHOWN]), f"unknown key {shorten(k)}.", str(k), allowed)
        for k in required:
            if k not in obj:
                raise self.fail(_join(path, k), f"missing required key '{k}'.")

    def number(self, obj: object, path: str, lo: float | None = None, hi: float | None = None) -> float:
        if isinstance(obj, bool) or not isinstance(obj, (int, float)):
            if isinstance(obj, str) and _looks_numeric(obj):
                # YAML 1.1 reads 1e3 (no dot) and quoted numbers as text.
                raise self.fail(path, f"expected a number, got the text {shorten(obj)} (write it unquoted, "
                                      "with a dot and a signed exponent: 1.0e+3).")
            raise self.fail(path, f"expected a number, got {_kind(obj)}.")
        v = float(obj)
        if not math.isfinite(v) or abs(v) > MAX_NUMBER:
            raise self.fail(path, f"must be a finite number no larger than {MAX_NUMBER:g} in size, got {shorten(obj)}.")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"between {lo:g} and {hi:g}" if hi is not None else f">= {lo:g}"
            raise self.fail(path, f"must be {rng}, got {shorten(obj)}.")
        return v

    def text(self, obj: object, path: str) -> str:
        if isinstance(obj, (int, float)) and not isinstance(obj, bool) and path.endswith("version"):
            return str(obj)
        if not isinstance(obj, str):
            raise self.fail(path, f"expected text, got {_kind(obj)}.")
        return obj

    def texts(self, obj: object, path: str) -> tuple[str, ...]:
        if not isinstance(obj, list):
            raise self.fail(path, f"expected a list, got {_kind(obj)}.")
        return tuple(self.text(x, f"{path}[{i}]") for i, x in enumerate(obj))

    def choice(self, obj: object, path: str, valid: Iterable[str]) -> str:
        valid = tuple(valid)
        if obj not in valid:
            raise self.fail(path, f"{shorten(obj)} is not allowed.", str(obj)[:SHOWN + 1], valid)
        return obj


def _looks_numeric(text: str) -> bool:
    try:
        float(text[:SHOWN])
    except ValueError:
        return False
    return True


def _kind(obj: object) -> str:
    return "nothing" if obj is None else type(obj).__name__


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def check_weights(ctx: Ctx, comps: Iterable[Component], path: str = "components") -> None:
    """At least one metric with weight > 0 inside a component with weight > 0, or nothing can be scored."""
    if not any(c.weight > 0 and any(m.weight > 0 for m in c.metrics) for c in comps):
        raise ctx.fail(path, "all weights are zero: give at least one component and one of its metrics a weight > 0.")


def parse_norm(ctx: Ctx, m: dict, path: str) -> Normalisation:
    """Build and check a Normalisation from YAML keys (direction, bad, good | band, bad_below, bad_above)."""
    direction = ctx.choice(m.get("direction"), f"{path}.direction", DIRECTIONS)
    for k in NORM_KEYS[direction]:
        if k not in m:
            raise ctx.fail(f"{path}.{k}", f"missing required key '{k}' for direction {direction}.")
    if direction != "band":
        bad, good = ctx.number(m["bad"], f"{path}.bad"), ctx.number(m["good"], f"{path}.good")
        if direction == "higher_better" and not bad < good:
            raise ctx.fail(f"{path}.bad", f"for higher_better, bad ({bad:g}) must be below good ({good:g}).")
        if direction == "lower_better" and not bad > good:
            raise ctx.fail(f"{path}.bad", f"for lower_better, bad ({bad:g}) must be above good ({good:g}).")
        return Normalisation(direction, bad=bad, good=good)
    band = m["band"]
    if not isinstance(band, (list, tuple)) or len(band) != 2:
        raise ctx.fail(f"{path}.band", "expected a list of two numbers: [low_good, high_good].")
    lo, hi = (ctx.number(v, f"{path}.band[{i}]") for i, v in enumerate(band))
    below, above = ctx.number(m["bad_below"], f"{path}.bad_below"), ctx.number(m["bad_above"], f"{path}.bad_above")
    if not below < lo <= hi < above:
        raise ctx.fail(f"{path}.band", f"band out of order: need bad_below < band[0] <= band[1] < bad_above, "
                                       f"got {below:g} < {lo:g} <= {hi:g} < {above:g}.")
    return Normalisation("band", band_low=lo, band_high=hi, bad_below=below, bad_above=above)


def check_tiers(ctx: Ctx, tiers: list[Tier] | tuple[Tier, ...], path: str) -> None:
    names = [t.name for t in tiers]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ctx.fail(path, f"tier names must be unique; {shorten(dup)} is used twice.")
    for a, b in zip(tiers, tiers[1:]):
        if not a.min_score > b.min_score:
            raise ctx.fail(path, f"tiers must be listed with strictly descending min_score (no overlap): "
                                 f"'{a.name}' {a.min_score:g} then '{b.name}' {b.min_score:g}.")
    if tiers[-1].min_score != 0:
        raise ctx.fail(path, f"the last tier ('{tiers[-1].name}') must have min_score 0 so every score has a tier.")
