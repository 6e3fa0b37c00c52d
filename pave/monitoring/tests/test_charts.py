"""The factsheet's SVG charts: accessible images whose horizontal axis mirrors in Arabic."""

import re

from pave.monitoring import charts

MONTHS = [("2013-07", 3), ("2013-08", 5), ("2013-09", None), ("2013-10", 9)]


def xs(svg: str, element: str, attribute: str) -> list[float]:
    return [float(x) for x in re.findall(rf'<{element} [^>]*?{attribute}="([\d.]+)"', svg)]


def test_every_chart_is_an_image_named_by_its_title_and_described_by_its_numbers():
    svg = charts.bars(
        [("Ethiopia", 45), ("Kenya", None)], title="By nationality", hidden_label="<5"
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="By')
    assert "<title>By nationality</title>" in svg
    assert "<desc>Ethiopia: 45; Kenya: &lt;5</desc>" in svg


def test_the_trend_runs_right_to_left_in_arabic():
    ltr = xs(charts.line(MONTHS, title="t"), "circle", "cx")
    rtl = xs(charts.line(MONTHS, title="t", rtl=True), "circle", "cx")
    assert ltr == sorted(ltr) and rtl == sorted(rtl, reverse=True)
    assert [round(640 - x, 1) for x in rtl] == ltr  # a mirror image
    # A suppressed month breaks the line instead of joining its neighbours.
    assert charts.line(MONTHS, title="t").count("<polyline") == 1


def test_labels_start_at_the_reading_side_and_the_chart_states_its_direction():
    svg = charts.progress_bars([("Migrants assisted", 89, 150)], title="t", rtl=True)
    assert 'direction="rtl"' in svg
    label = re.search(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)">Migrants', svg)
    assert label is not None
    assert label.groups() == ("640.0", "start")  # starts at the right edge, runs leftwards
    bar = re.findall(
        r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="14" fill="#1f5fa8"', svg
    )
    ((x, width),) = bar
    assert float(x) + float(width) == 640 - 260  # grows from the right, after the label
    assert 'direction="ltr"' in charts.progress_bars([("a", 1, 2)], title="t")
