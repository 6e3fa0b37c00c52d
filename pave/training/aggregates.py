"""What the training aggregates publish: pure functions behind them (no Django).

The aggregates count people, not rows (selectors.participants_aggregate, with the counting
engine of pave.core.counting): a sign-in sheet has one row per person per session; a
programme reports people, and the officer who came to three sessions is one officer trained.
Disaggregations by sex, stakeholder group and country partition the people (they add up to
the total); by event type they need not (someone at a workshop and at a dialogue counts once
under each type, and once in the total). Here: which of those counts may be published
(small-cell suppression) and the knowledge-test summary.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from pave.privacy.suppression import suppress

# --- small-cell suppression ------------------------------------------------------------------


def suppress_counts(result: Mapping[str, Any], *, threshold: int) -> dict[str, Any]:
    """The counts of `selectors.participants_aggregate` fit to leave the organisation: small
    cells and the cells that would give them away are None; `suppressed` says whether any was
    hidden. (The publication rule for that shape; the cells are suppressed by
    pave.privacy.suppression.)"""
    total = ("participants",)
    cells: dict[Hashable, int] = {total: result["participants"]}
    lines: list[list[Hashable]] = []
    for name in ("by_sex", "by_stakeholder_group", "by_country"):
        keys = [(name, code) for code in result[name]]
        cells.update({(name, code): n for code, n in result[name].items()})
        lines.append([*keys, total])
    cross = result["by_stakeholder_group_and_sex"]
    for group, row in cross.items():
        in_row: list[Hashable] = [("cross", group, sex) for sex in row]
        cells.update({("cross", group, sex): n for sex, n in row.items()})
        lines.append([*in_row, ("by_stakeholder_group", group)])
    for sex in result["by_sex"]:
        column = [("cross", group, sex) for group in cross if sex in cross[group]]
        lines.append([*column, ("by_sex", sex)])
    # Types overlap (no subtraction recovers them): threshold only.
    cells.update({("by_event_type", code): n for code, n in result["by_event_type"].items()})
    hidden = suppress(cells, lines, threshold=threshold)

    def shown(key: Hashable) -> int | None:
        return None if key in hidden else cells[key]

    out = dict(result)
    out["participants"] = shown(total)
    for name in ("by_sex", "by_stakeholder_group", "by_country", "by_event_type"):
        out[name] = {code: shown((name, code)) for code in result[name]}
    out["by_stakeholder_group_and_sex"] = {
        group: {sex: shown(("cross", group, sex)) for sex in row} for group, row in cross.items()
    }
    small = 0 < result["attendances"] < threshold
    out["attendances"] = None if small or total in hidden else result["attendances"]
    out["suppressed"] = bool(hidden) or small
    out["threshold"] = threshold
    return out


# --- knowledge gain --------------------------------------------------------------------------


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    return score * 100 / maximum


def knowledge_summary(
    scores: Iterable[tuple[Decimal | None, Decimal | None, Decimal]],
) -> dict[str, Any]:
    """Mean pre- and post-test scores and gain (percent of the maximum) over the people who
    took both tests, and how many of them improved. `scores` are (pre, post, max)."""
    pairs = [(pre, post, top) for pre, post, top in scores if pre is not None and post is not None]
    if not pairs:
        return {
            "tested": 0,
            "improved": 0,
            "mean_pre_percent": None,
            "mean_post_percent": None,
            "mean_gain_points": None,
        }
    pre = sum((_percent(p, top) for p, _post, top in pairs), Decimal(0)) / len(pairs)
    post = sum((_percent(q, top) for _pre, q, top in pairs), Decimal(0)) / len(pairs)
    return {
        "tested": len(pairs),
        "improved": sum(1 for p, q, _top in pairs if q > p),
        "mean_pre_percent": round(float(pre), 1),
        "mean_post_percent": round(float(post), 1),
        "mean_gain_points": round(float(post - pre), 1),
    }


def suppress_knowledge(summary: Mapping[str, Any], *, threshold: int) -> dict[str, Any]:
    """Means over fewer than `threshold` people are not published (nor the counts)."""
    if 0 < summary["tested"] < threshold:
        return dict.fromkeys(summary, None)
    return dict(summary)
