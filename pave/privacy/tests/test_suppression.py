from hypothesis import given, settings
from hypothesis import strategies as st

from pave.privacy.suppression import Grid, recover_by_subtraction, suppress, suppress_grid


def published(grid, hidden):
    return {cell: (None if cell in hidden else n) for cell, n in grid.cells().items()}


def test_primary_suppression_hides_counts_below_the_threshold_but_not_zeros():
    hidden = suppress({"a": 3, "b": 0, "c": 12, "t": 15}, [], threshold=5)
    assert hidden == {"a"}


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    cells = {"women": 85, "men": 3, "minors": 0, "total": 88}
    hidden = suppress(cells, [["women", "men", "minors", "total"]], threshold=5)
    # 0 would hide nothing: the complement is the next smallest non-zero cell.
    assert hidden == {"men", "women"}


def test_suppressed_cells_cannot_be_recovered_from_margins():
    grid = Grid(((20, 3, 9), (14, 8, 2), (30, 11, 17)))
    hidden = suppress_grid(grid, threshold=5)
    assert {(0, 1), (1, 2)} <= hidden
    found = recover_by_subtraction(published(grid, hidden), grid.lines())
    assert found == {}


def test_without_secondary_suppression_the_attacker_would_succeed():
    grid = Grid(((20, 3, 9), (14, 8, 12)))
    cells = published(grid, {(0, 1)})
    assert recover_by_subtraction(cells, grid.lines()) == {(0, 1): 3}


counts = st.integers(min_value=0, max_value=30)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols).map(tuple), min_size=1, max_size=5
        )
    ),
    st.integers(min_value=2, max_value=10),
)
def test_every_line_with_a_suppressed_cell_has_at_least_two(rows, threshold):
    grid = Grid(tuple(rows))
    hidden = suppress_grid(grid, threshold=threshold)
    cells = grid.cells()
    for line in grid.lines():
        in_line = [cell for cell in line if cell in hidden]
        assert len(in_line) != 1 or len(set(line)) == 1
    # Nothing published is small, and subtraction recovers nothing.
    assert all(not (0 < n < threshold) for cell, n in cells.items() if cell not in hidden)
    assert recover_by_subtraction(published(grid, hidden), grid.lines()) == {}
