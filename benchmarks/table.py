"""The benchmark's arithmetic and its Markdown tables: medians over rounds, ratios, targets.

Pure functions only (no Docker, no clock), so that tests/docs/test_bench.py can check them in
milliseconds.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# One round's figures: recipe name -> figure name -> value. Lower is better for every figure.
Round = Mapping[str, Mapping[str, float]]

OURS = "ours"


@dataclass(frozen=True)
class Figure:
    """A row of a comparison table."""

    name: str
    # Ours divided by the reference recipe's should be at most this; reported, never asserted.
    target: float | None = None
    # For a figure only ours has: the reference's figure to divide by instead.
    compared_with: str | None = None


def medians(rounds: Sequence[Round]) -> dict[str, dict[str, float]]:
    """Each recipe's median of each figure over the rounds (a figure missing in a round is skipped)."""
    recipes = {recipe: None for round_ in rounds for recipe in round_}
    result: dict[str, dict[str, float]] = {}
    for recipe in recipes:
        names = {name: None for round_ in rounds for name in round_.get(recipe, {})}
        result[recipe] = {
            name: statistics.median(round_[recipe][name] for round_ in rounds if name in round_.get(recipe, {}))
            for name in names
        }
    return result


def ratio(ours: float, reference: float) -> float | None:
    """ours / reference, or None where the reference is not positive (nothing to divide by)."""
    return ours / reference if reference > 0 else None


def target_cell(value: float | None, target: float | None) -> str:
    if target is None:
        return ""
    if value is None:
        return f"<= {target:.2f}: n/a"
    if value <= target:
        return f"<= {target:.2f}: met"
    return f"<= {target:.2f}: missed by {value - target:.2f}"


def comparison_table(
    rounds: Sequence[Round], recipes: Sequence[str], figures: Sequence[Figure], reference: str
) -> list[str]:
    """A Markdown table: one row per figure, one column per recipe (medians), then ours / reference
    and the target for that ratio."""
    values = medians(rounds)
    header = ["figure", *recipes, f"{OURS} / {reference}", "target"]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for figure in figures:
        cells = [f"{values[recipe][figure.name]:.2f}" if figure.name in values[recipe] else "-" for recipe in recipes]
        reference_value = values[reference].get(figure.compared_with or figure.name)
        ours_value = values[OURS].get(figure.name)
        share = None if ours_value is None or reference_value is None else ratio(ours_value, reference_value)
        lines.append(
            "| "
            + " | ".join(
                [figure.name, *cells, "n/a" if share is None else f"{share:.2f}", target_cell(share, figure.target)]
            )
            + " |"
        )
    return lines


def simple_table(rows: Mapping[str, Mapping[str, str]]) -> list[str]:
    """A Markdown table with one row per key of `rows` and one column per key of their values."""
    columns = list(next(iter(rows.values())))
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(cells[column] for column in columns) + " |" for name, cells in rows.items()]
    return lines
