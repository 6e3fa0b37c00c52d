"""Small-cell suppression for tables published outside the organisation (DESIGN §5).

Pure Python. A table is a set of cells (counts) tied by *lines*: each line is a list of cells
whose interior cells add up to its margin (a row with its total, a column with its total).

1. Primary: every count with 0 < n < threshold is suppressed. (A zero names nobody.)
2. Secondary: a line with exactly one suppressed cell would give it away by subtraction, so
   the smallest other non-zero cell of that line is suppressed too (a zero only if nothing
   else is left). Repeat over every line, margins included, until nothing changes.

The result: every line holding a suppressed cell holds at least two, so no cell can be
recovered from one line's total. Complexity O(iterations × cells); tables here are small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# No default threshold here: it is a setting (PAVE_SUPPRESSION_THRESHOLD), read by
# `pave.privacy.selectors.suppression_threshold()` and passed in by every caller.

CellId = Any  # any hashable: a name, or (row, column)


def primary(cells: Mapping[CellId, int], threshold: int) -> set[CellId]:
    """The cells too small to publish."""
    return {cell for cell, n in cells.items() if 0 < n < threshold}


def _complement(line: Sequence[CellId], cells: Mapping[CellId, int], hidden: set[CellId]) -> CellId:
    """The cell to hide next to a lone suppressed one: the smallest non-zero, else any."""
    candidates = [cell for cell in line if cell not in hidden]
    non_zero = [cell for cell in candidates if cells[cell] > 0]
    pool = non_zero or candidates
    return min(pool, key=lambda cell: (cells[cell], str(cell)))


def suppress(
    cells: Mapping[CellId, int],
    lines: Sequence[Sequence[CellId]],
    *,
    threshold: int,
) -> set[CellId]:
    """The set of cells to suppress (primary and complementary)."""
    if threshold < 1:
        raise ValueError("the suppression threshold must be at least 1")
    hidden = primary(cells, threshold)
    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [cell for cell in line if cell in hidden]
            if len(in_line) == 1 and len(set(line)) > 1:
                hidden.add(_complement(line, cells, hidden))
                changed = True
    return hidden


@dataclass(frozen=True)
class Grid:
    """An R × C table of counts with its row totals, column totals and grand total.

    Cell ids are (row, column); row R holds the column totals, column C the row totals.
    With `column_totals=False` (one-way tables) the margin row is not published.
    """

    interior: tuple[tuple[int, ...], ...]
    column_totals: bool = True

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.interior), len(self.interior[0]) if self.interior else 0

    def cells(self) -> dict[tuple[int, int], int]:
        rows, cols = self.shape
        out = {(r, c): self.interior[r][c] for r in range(rows) for c in range(cols)}
        for r in range(rows):
            out[(r, cols)] = sum(self.interior[r])
        if self.column_totals:
            for c in range(cols + 1):
                out[(rows, c)] = sum(out[(r, c)] for r in range(rows))
        return out

    def lines(self) -> list[list[tuple[int, int]]]:
        rows, cols = self.shape
        last_row = rows if self.column_totals else rows - 1
        out = [[(r, c) for c in range(cols + 1)] for r in range(last_row + 1)]
        if self.column_totals:
            out += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
        return out


def suppress_grid(grid: Grid, *, threshold: int) -> set[tuple[int, int]]:
    hidden = suppress(grid.cells(), grid.lines(), threshold=threshold)
    return {cell for cell in hidden if isinstance(cell, tuple)}


def suppress_breakdowns(
    value: int, breakdowns: Mapping[str, Mapping[str, int]], *, threshold: int
) -> tuple[int | None, dict[str, dict[str, int | None]], bool]:
    """A value with its breakdowns (each adds up to the value: one line per breakdown, all
    sharing the total) as it may be published: (value or None, breakdowns with None for
    hidden cells, whether anything was hidden)."""
    cells: dict[CellId, int] = {"total": value}
    lines = []
    for name, counts in breakdowns.items():
        cells.update({(name, cat): n for cat, n in counts.items()})
        lines.append([*((name, cat) for cat in counts), "total"])
    hidden = suppress(cells, lines, threshold=threshold)
    safe = {
        name: {cat: (None if (name, cat) in hidden else n) for cat, n in counts.items()}
        for name, counts in breakdowns.items()
    }
    return (None if "total" in hidden else value), safe, bool(hidden)


def recover_by_subtraction(
    cells: Mapping[CellId, int | None], lines: Sequence[Sequence[CellId]], margin_last: bool = True
) -> dict[CellId, int]:
    """What a reader can work out from a published table (None = suppressed) by repeatedly
    subtracting: in any line with one unknown, the unknown is the margin minus the rest.

    Lines end with their margin (the sum of the others). Used by the tests as the attacker.
    """
    known: dict[CellId, int | None] = dict(cells)
    found: dict[CellId, int] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [cell for cell in line if known[cell] is None]
            if len(unknown) != 1:
                continue
            *parts, margin = line
            (cell,) = unknown
            if cell == margin:
                value = sum(known[p] or 0 for p in parts)
            else:
                value = (known[margin] or 0) - sum(known[p] or 0 for p in parts if p != cell)
            known[cell] = found[cell] = value
            progress = True
    return found
