"""Server-rendered SVG charts for the factsheet: no JavaScript, no external library.

Each function returns an SVG string: an image with an accessible name (its title) and a
description listing its numbers, for readers who cannot see it. `rtl=True` mirrors the
horizontal axis for Arabic: bars grow from the right, labels start at the right, the monthly
trend's time runs from right to left. The SVG states its own `direction` so that text anchors
mean the same in a browser (where an inline SVG inherits the page's direction) and in the PDF.
Suppressed values (None) are drawn as a gap labelled by the caller's `hidden_label`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 640
PALETTE = ("#1f5fa8", "#e07b39", "#3b9c6e", "#8e5ea2", "#c44e52", "#777777")


def _svg(height: int, body: str, title: str, *, rtl: bool, desc: str = "") -> str:
    direction = "rtl" if rtl else "ltr"
    description = f"<desc>{escape(desc)}</desc>" if desc else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'direction="{direction}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="Noto Sans, Noto Naskh Arabic, sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>{description}{body}</svg>'
    )


def _listing(items: Sequence[tuple[str, object]], hidden_label: str = "") -> str:
    """The chart's numbers as text: "Women: 85; Men: 3"."""
    return "; ".join(f"{label}: {hidden_label if n is None else n}" for label, n in items)


def _x(x: float, width: float, rtl: bool) -> float:
    """The left edge of a span [x, x+width] in the mirrored coordinate system."""
    return WIDTH - x - width if rtl else x


def _text(x: float, y: float, text: str, *, rtl: bool, end: bool = False, **attrs: str) -> str:
    """Text that starts (`end`: ends) `x` from the reading start: the left edge, or in RTL the
    right edge. With the SVG's direction set, "start" is the right end of RTL text."""
    anchor = "end" if end else "start"
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    x = WIDTH - x if rtl else x
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def progress_bars(
    rows: Sequence[tuple[str, int | None, int | None]],
    *,
    title: str,
    rtl: bool = False,
    hidden_label: str = "suppressed",
) -> str:
    """One bar per indicator: value against target (the target is the full track)."""
    track_x, track_w, row_h = 260.0, 300.0, 34
    body = []
    for i, (label, value, target) in enumerate(rows):
        y = 10 + i * row_h
        body.append(_text(0, y + 14, label[:42], rtl=rtl))
        body.append(
            f'<rect x="{_x(track_x, track_w, rtl):.1f}" y="{y + 4}" width="{track_w}" '
            f'height="14" fill="#e6e9ef"/>'
        )
        if value is None:
            body.append(_text(track_x + 4, y + 15, hidden_label, rtl=rtl, fill="#555"))
            continue
        share = min(value / target, 1.0) if target else 0.0
        w = track_w * share
        body.append(
            f'<rect x="{_x(track_x, w, rtl):.1f}" y="{y + 4}" width="{w:.1f}" height="14" '
            f'fill="{PALETTE[0]}"/>'
        )
        note = f"{value} / {target}" if target else str(value)
        body.append(_text(track_x + track_w + 6, y + 15, note, rtl=rtl))
    desc = _listing(
        [(label, hidden_label if v is None else f"{v} / {t}" if t else v) for label, v, t in rows]
    )
    return _svg(20 + len(rows) * row_h, "".join(body), title, rtl=rtl, desc=desc)


def stacked_bar(
    parts: Sequence[tuple[str, int | None]],
    *,
    title: str,
    rtl: bool = False,
    hidden_label: str = "suppressed",
) -> str:
    """One bar split into parts (e.g. women / men / minors), with a legend."""
    known = [(label, n) for label, n in parts if n]
    total = sum(n for _label, n in known if n) or 1
    x, body = 0.0, []
    for i, (_label, n) in enumerate(known):
        w = (WIDTH - 20) * (n or 0) / total
        body.append(
            f'<rect x="{_x(10 + x, w, rtl):.1f}" y="10" width="{w:.1f}" height="28" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        x += w
    for i, (label, count) in enumerate(parts):
        y = 60 + i * 18
        colour = PALETTE[[p[0] for p in known].index(label) % len(PALETTE)] if count else "#bbb"
        body.append(
            f'<rect x="{_x(10, 12, rtl):.1f}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
        )
        shown = hidden_label if count is None else str(count)
        body.append(_text(28, y, f"{label}: {shown}", rtl=rtl))
    desc = _listing(parts, hidden_label)
    return _svg(70 + len(parts) * 18, "".join(body), title, rtl=rtl, desc=desc)


def bars(
    items: Sequence[tuple[str, int | None]],
    *,
    title: str,
    rtl: bool = False,
    hidden_label: str = "suppressed",
) -> str:
    """Horizontal bars, one per category (e.g. by country)."""
    peak = max((n or 0 for _label, n in items), default=0) or 1
    body = []
    for i, (label, n) in enumerate(items):
        y = 10 + i * 24
        body.append(_text(0, y + 13, label[:24], rtl=rtl))
        if n is None:
            body.append(_text(160, y + 13, hidden_label, rtl=rtl, fill="#555"))
            continue
        w = 400 * n / peak
        body.append(
            f'<rect x="{_x(160, w, rtl):.1f}" y="{y + 2}" width="{w:.1f}" height="16" '
            f'fill="{PALETTE[2]}"/>'
        )
        body.append(_text(166 + w, y + 14, str(n), rtl=rtl))
    desc = _listing(items, hidden_label)
    return _svg(20 + len(items) * 24, "".join(body), title, rtl=rtl, desc=desc)


def line(
    points: Sequence[tuple[str, int | None]],
    *,
    title: str,
    rtl: bool = False,
    hidden_label: str = "suppressed",
) -> str:
    """A monthly trend; suppressed months break the line. Time runs right-to-left in RTL."""
    if not points:
        return _svg(40, "", title, rtl=rtl)
    height, left, plot_w, plot_h = 220, 40.0, 580.0, 160.0
    peak = max((n or 0 for _label, n in points), default=0) or 1
    step = plot_w / max(len(points) - 1, 1)
    segments: list[list[str]] = [[]]
    body = [
        f'<line x1="{_x(left, 0, rtl):.1f}" y1="{20 + plot_h}" '
        f'x2="{_x(left + plot_w, 0, rtl):.1f}" y2="{20 + plot_h}" stroke="#999"/>'
    ]
    for i, (label, n) in enumerate(points):
        x = _x(left + i * step, 0, rtl)
        if i % max(len(points) // 6, 1) == 0:
            body.append(
                f'<text x="{x:.1f}" y="{20 + plot_h + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        if n is None:
            segments.append([])
            continue
        y = 20 + plot_h - plot_h * n / peak
        segments[-1].append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[1]}"/>')
    for seg in segments:
        if len(seg) > 1:
            body.append(
                f'<polyline fill="none" stroke="{PALETTE[1]}" stroke-width="2" '
                f'points="{" ".join(seg)}"/>'
            )
    body.append(_text(0, 24, str(peak), rtl=rtl))
    return _svg(height, "".join(body), title, rtl=rtl, desc=_listing(points, hidden_label))
