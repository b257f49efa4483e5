"""Server-rendered SVG charts for the dashboard: no JavaScript, no CDN, prints as it shows.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that say what it shows;
the page always carries the same numbers in a table next to it, so the chart is a picture
of the table, never the only place a figure lives. The drawing is sized for a cheap phone
(a 400-unit-wide view box scaled to the screen's width) and capped in width by the page's
CSS on a desktop. Colours come with printed numbers, so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count, pairwise

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lindung.engine.budget import format_number

WIDTH = 400
SMALL_WIDTH = 300
_ids = count(1)

# Coverage steps of the tile grid, lightest to darkest, with the text colour each needs.
STEPS: tuple[tuple[float, str, str], ...] = (
    (0.0, "#eef1f4", "#1d2430"),
    (25.0, "#cfe6dc", "#1d2430"),
    (50.0, "#8cc7ae", "#1d2430"),
    (75.0, "#3b9a77", "#ffffff"),
    (100.0, "#0b6b4f", "#ffffff"),
)
NO_TARGET = ("#ffffff", "#1d2430")


def percent_text(value: float | None) -> str:
    """`45.25` -> `45,3%` (Indonesian decimal comma), `0.014` -> `0,01%`; empty for None."""
    if value is None:
        return ""
    digits = 2 if 0 < value < 1 else 1
    return f"{value:.{digits}f}".replace(".", ",") + "%"


def step_of(coverage: float | None) -> tuple[str, str]:
    """(fill, text colour) of a tile for `coverage` percent."""
    if coverage is None:
        return NO_TARGET
    chosen = STEPS[0]
    for step in STEPS:
        if coverage >= step[0]:
            chosen = step
    return chosen[1], chosen[2]


def legend() -> list[tuple[str, str]]:
    """(colour, label) for the tile grid's legend, e.g. ("#8cc7ae", "50–75%")."""
    bounds = [f"{step[0]:.0f}" for step in STEPS]
    labels = [f"< {bounds[1]}%"]
    labels += [f"{low}–{high}%" for low, high in pairwise(bounds[1:])]
    labels.append(_("≥ %(n)s%% (tercapai)") % {"n": bounds[-1]})
    return [(step[1], label) for step, label in zip(STEPS, labels, strict=True)]


def _open(title: str, desc: str, height: int, width: int = WIDTH) -> tuple[SafeString, str]:
    ident = f"chart{next(_ids)}"
    head = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        desc,
    )
    return head, ident


def _link(href: str | None, inner: SafeString) -> SafeString:
    return format_html('<a href="{}">{}</a>', href, inner) if href else inner


# -- bars against a target -------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    target: int | None = None
    href: str | None = None


def target_bars(title: str, desc: str, bars: list[Bar]) -> SafeString:
    """One row per area: its name and `value / target` on a line, under it a bar of the
    value (filled) over the target (outlined); the scale is the largest of either."""
    row, top = 32, 4
    height = top + row * max(len(bars), 1) + 4
    head, _ident = _open(title, desc, height)
    scale = max([1, *(b.value for b in bars), *(b.target or 0 for b in bars)])
    inner = WIDTH - 2
    parts: list[SafeString] = []
    for i, bar in enumerate(bars):
        y = top + i * row
        figure = format_number(bar.value)
        if bar.target is not None:
            figure = f"{figure} / {format_number(bar.target)}"
        target_width = 0 if bar.target is None else max(1, round(inner * bar.target / scale))
        value_width = round(inner * bar.value / scale)
        text = format_html(
            '<text x="1" y="{}" font-size="13" fill="#1d2430">{}</text>'
            '<text x="{}" y="{}" font-size="13" fill="#1d2430" text-anchor="end">{}</text>',
            y + 12,
            bar.label,
            WIDTH - 1,
            y + 12,
            figure,
        )
        outline = (
            format_html(
                '<rect x="1" y="{}" width="{}" height="10" fill="#ffffff" stroke="#5b6576" '
                'stroke-width="1"/>',
                y + 17,
                target_width,
            )
            if target_width
            else SafeString("")
        )
        filled = format_html(
            '<rect x="1" y="{}" width="{}" height="10" fill="#0b6b4f"/>', y + 17, value_width
        )
        parts.append(_link(bar.href, mark_safe(text + outline + filled)))  # noqa: S308 - built by format_html
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 - built by format_html


# -- tiles coloured by coverage ---------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    label: str
    coverage: float | None  # percent of the target; None without a target
    value: int
    href: str | None = None


def tile_grid(title: str, desc: str, tiles: list[Tile], *, columns: int = 3) -> SafeString:
    """A choropleth-like grid: one square per area in code order, darker the nearer its
    members are to the target, with its name, its coverage and its member count printed."""
    columns = max(1, min(columns, len(tiles) or 1))
    gap = 4
    size = (WIDTH - gap * (columns - 1)) / columns
    tall = 64
    rows = math.ceil(len(tiles) / columns) if tiles else 1
    height = rows * tall + (rows - 1) * gap
    head, _ident = _open(title, desc, height)
    parts: list[SafeString] = []
    for i, tile in enumerate(tiles):
        x = (i % columns) * (size + gap)
        y = (i // columns) * (tall + gap)
        fill, ink = step_of(tile.coverage)
        figure = percent_text(tile.coverage) if tile.coverage is not None else "—"
        name = tile.label if len(tile.label) <= 16 else tile.label[:15] + "…"
        body = format_html(
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" '
            'stroke="#5b6576" stroke-width="0.5"><title>{full}: {figure}, {n}</title></rect>'
            '<text x="{cx}" y="{y1}" font-size="13" fill="{ink}" text-anchor="middle">{name}</text>'
            '<text x="{cx}" y="{y2}" font-size="17" font-weight="700" fill="{ink}" '
            'text-anchor="middle">{figure}</text>'
            '<text x="{cx}" y="{y3}" font-size="12" fill="{ink}" text-anchor="middle">{n}</text>',
            x=f"{x:.1f}",
            y=y,
            w=f"{size:.1f}",
            h=tall,
            fill=fill,
            ink=ink,
            cx=f"{x + size / 2:.1f}",
            y1=y + 17,
            y2=y + 38,
            y3=y + 56,
            name=name,
            full=tile.label,
            figure=figure,
            n=_("%(n)s peserta") % {"n": format_number(tile.value)},
        )
        parts.append(_link(tile.href, body))
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 - built by format_html


# -- shares of a whole ------------------------------------------------------------------------


def share_bars(title: str, desc: str, rows: list[tuple[str, int]]) -> SafeString:
    """Small bars for a breakdown (sex, age band, occupation): label, bar, count and share."""
    total = sum(n for _label, n in rows)
    width, row, label_width = SMALL_WIDTH, 22, 104
    height = row * max(len(rows), 1) + 2
    head, _ident = _open(title, desc, height, width)
    largest = max([1, *(n for _label, n in rows)])
    room = width - label_width - 96
    cells = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12" fill="#1d2430">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="12" fill="#3b9a77"/>'
        '<text x="{}" y="{}" font-size="12" fill="#1d2430" text-anchor="end">{} ({})</text>',
        (
            (
                i * row + 14,
                label if len(label) <= 15 else label[:14] + "…",
                label_width,
                i * row + 4,
                round(room * n / largest),
                width - 1,
                i * row + 14,
                format_number(n),
                percent_text(100 * n / total) if total else "0%",
            )
            for i, (label, n) in enumerate(rows)
        ),
    )
    return mark_safe(head + cells + "</svg>")  # noqa: S308 - built by format_html
