"""The programme's charts as SVG: for portals to embed, and the same pictures inside the PDFs.

Built by hand with ``xml.etree.ElementTree`` rather than with a plotting library: the four
charts are bars and one line on a fixed 0–5 or count scale, and what they must get right is
what plotting libraries leave out — ``<title>``/``<desc>`` and ``role="img"`` for screen
readers, Thai labels kept as text (a browser and Typst shape them; matplotlib's SVG backend
either turns text into outlines or writes no description), and fills that stay apart in
greyscale print (shades *and* patterns). ElementTree escapes every label, so a unit name can
never break the XML.

Every chart is a pure function of the numbers it shows; the texts are Thai first with the
English beside them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SVG_MEDIA_TYPE = "image/svg+xml"
FONT = "Laksaman, 'TH Sarabun New', Sarabun, 'Noto Sans Thai', sans-serif"
WIDTH = 720
INK = "#000000"
# (fill, pattern id or None): dark to light, each with its own texture for greyscale print
HALO = {"stroke": "#ffffff", "stroke-width": "4", "paint-order": "stroke"}
"""A white outline under a value's digits, so a dashed line behind them never crosses them."""
FILLS = (
    ("#404040", None),
    ("#a0a0a0", "hatch"),
    ("#ffffff", "dots"),
    ("#d0d0d0", "cross"),
    ("#707070", None),
)


@dataclass(frozen=True)
class Series:
    """One set of bars: a legend name and one value per category (None: no value)."""

    name: str
    values: Sequence[Decimal | None]


@dataclass(frozen=True)
class RefLine:
    """A dashed line across the plot at ``value`` (the Standard and Best Practice minimums)."""

    value: Decimal
    label: str


def _svg(height: int, title: str, desc: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(WIDTH),
            "height": str(height),
            "viewBox": f"0 0 {WIDTH} {height}",
            "role": "img",
            "aria-labelledby": "chart-title chart-desc",
            "font-family": FONT,
            "font-size": "16",
        },
    )
    ET.SubElement(svg, "title", {"id": "chart-title"}).text = title
    ET.SubElement(svg, "desc", {"id": "chart-desc"}).text = desc
    defs = ET.SubElement(svg, "defs")
    for pid, paths in (
        ("hatch", ["M0,8 L8,0", "M-2,2 L2,-2", "M6,10 L10,6"]),
        ("cross", ["M0,4 L8,4", "M4,0 L4,8"]),
    ):
        pattern = ET.SubElement(
            defs,
            "pattern",
            {"id": pid, "width": "8", "height": "8", "patternUnits": "userSpaceOnUse"},
        )
        for d in paths:
            ET.SubElement(pattern, "path", {"d": d, "stroke": INK, "stroke-width": "1.2"})
    dots = ET.SubElement(
        defs,
        "pattern",
        {"id": "dots", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse"},
    )
    ET.SubElement(dots, "circle", {"cx": "3", "cy": "3", "r": "1.3", "fill": INK})
    ET.SubElement(svg, "rect", {"width": str(WIDTH), "height": str(height), "fill": "#ffffff"})
    ET.SubElement(
        svg, "text", {"x": "16", "y": "28", "font-size": "20", "font-weight": "bold"}
    ).text = title
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> None:
    ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs}).text = text


def _line(
    svg: ET.Element,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    stroke: str,
    width: str,
    dash: str | None = None,
) -> None:
    """A straight line: an axis, a grid line, or (dashed) a level's threshold."""
    attributes = {
        "x1": f"{x1:.1f}",
        "x2": f"{x2:.1f}",
        "y1": f"{y1:.1f}",
        "y2": f"{y2:.1f}",
        "stroke": stroke,
        "stroke-width": width,
    }
    if dash is not None:
        attributes["stroke-dasharray"] = dash
    ET.SubElement(svg, "line", attributes)


def _bar(parent: ET.Element, x: float, y: float, w: float, h: float, style: int) -> None:
    fill, pattern = FILLS[style % len(FILLS)]
    box = {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{max(w, 0):.1f}", "height": f"{h:.1f}"}
    ET.SubElement(parent, "rect", box | {"fill": fill, "stroke": INK, "stroke-width": "1"})
    if pattern is not None:
        ET.SubElement(parent, "rect", box | {"fill": f"url(#{pattern})", "stroke": "none"})


def _done(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)


def _legend(svg: ET.Element, series: Sequence[Series], y: float) -> None:
    x = 16.0
    for i, s in enumerate(series):
        _bar(svg, x, y - 13, 22, 16, i)
        _text(svg, x + 30, y, s.name)
        x += 60 + 9 * len(s.name)


def score_bars(
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    lines: Sequence[RefLine] = (),
    *,
    maximum: Decimal = Decimal(5),
) -> str:
    """Horizontal bars on a 0–``maximum`` scale, one group per category with its label above
    (Thai names are long), each bar's value written at its end, and dashed reference lines."""
    left, right, top = 16.0, WIDTH - 90.0, 52.0
    bar_h, gap = 20.0, 4.0
    group_h = 24 + len(series) * (bar_h + gap) + 10
    legend_h = 30 if len(series) > 1 else 0
    height = int(top + legend_h + group_h * len(categories) + 64)
    svg = _svg(height, title, desc)
    if legend_h:
        _legend(svg, series, top + 14)
    plot_top = top + legend_h
    plot_bottom = plot_top + group_h * len(categories)
    span = right - left

    def at(value: Decimal) -> float:
        return left + float(min(value, maximum) / maximum) * span

    for tick in range(int(maximum) + 1):  # the axis: 0, 1, … 5
        x = at(Decimal(tick))
        _line(svg, x, plot_top, x, plot_bottom, "#c8c8c8", "1")
        _text(svg, x, plot_bottom + 18, str(tick), **{"text-anchor": "middle"})
    for c, label in enumerate(categories):
        y = plot_top + c * group_h
        _text(svg, left, y + 18, label)
        for s_no, s in enumerate(series):
            value = s.values[c]
            by = y + 24 + s_no * (bar_h + gap)
            if value is None:
                _text(svg, left + 4, by + 15, "ไม่มีคะแนน / no score", **{"font-style": "italic"})
                continue
            end = at(value)
            _bar(svg, left, by, end - left, bar_h, s_no)
            _text(svg, end + 6, by + 15, f"{value:.4f}", **HALO)
    for n, line in enumerate(lines):
        x = at(line.value)
        _line(svg, x, plot_top - 4, x, plot_bottom, INK, "2", dash="6 4")
        below = plot_bottom + 38 + 16 * (n % 2)  # neighbouring lines' labels on two rows
        _text(svg, x, below, line.label, **{"text-anchor": "middle", "font-size": "14"})
    return _done(svg)


def count_columns(title: str, desc: str, labels: Sequence[str], counts: Sequence[int]) -> str:
    """Vertical columns of counts (units per level), each with its count and share on top."""
    height = 380
    left, bottom, top = 40.0, height - 70.0, 70.0
    total = sum(counts)
    peak = max([*counts, 1])
    svg = _svg(height, title, desc)
    width = (WIDTH - left - 20) / max(len(labels), 1)
    _line(svg, left, bottom, WIDTH - 20, bottom, INK, "1.5")
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        x = left + i * width + width * 0.2
        h = (bottom - top) * count / peak
        _bar(svg, x, bottom - h, width * 0.6, h, i)
        share = f" ({count * 100 / total:.1f}%)" if total else ""
        _text(svg, x + width * 0.3, bottom - h - 8, f"{count}{share}", **{"text-anchor": "middle"})
        for n, part in enumerate(label.split(" / ")):
            _text(svg, x + width * 0.3, bottom + 22 + 18 * n, part, **{"text-anchor": "middle"})
    return _done(svg)


def trend_line(
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    lines: Sequence[RefLine] = (),
    *,
    maximum: Decimal = Decimal(5),
) -> str:
    """A line through the rounds' overall scores (a gap where a round has none), with marks,
    values and dashed reference lines."""
    height = 340
    left, right, top, bottom = 90.0, WIDTH - 130.0, 60.0, height - 60.0
    svg = _svg(height, title, desc)
    step = (right - left) / max(len(labels) - 1, 1)

    def y_of(value: Decimal) -> float:
        return bottom - float(min(value, maximum) / maximum) * (bottom - top)

    for tick in range(int(maximum) + 1):
        y = y_of(Decimal(tick))
        _line(svg, left, y, right, y, "#c8c8c8", "1")
        _text(svg, left - 10, y + 5, str(tick), **{"text-anchor": "end"})
    for line in lines:
        y = y_of(line.value)
        _line(svg, left, y, right, y, INK, "1.5", dash="6 4")
        _text(svg, right + 6, y + 5, line.label, **{"font-size": "14"})
    points: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step
        _text(svg, x, bottom + 24, label, **{"text-anchor": "middle"})
        if value is None:
            if len(points) > 1:
                _polyline(svg, points)
            points = []
            _text(svg, x, bottom - 8, "–", **{"text-anchor": "middle"})
            continue
        y = y_of(value)
        points.append(f"{x:.1f},{y:.1f}")
        ET.SubElement(
            svg,
            "rect",
            {"x": f"{x - 5:.1f}", "y": f"{y - 5:.1f}", "width": "10", "height": "10", "fill": INK},
        )
        _text(
            svg,
            x,
            y - 12,
            f"{value:.4f}",
            **HALO,
            **{"text-anchor": "middle", "font-weight": "bold"},
        )
    if len(points) > 1:
        _polyline(svg, points)
    return _done(svg)


def _polyline(svg: ET.Element, points: list[str]) -> None:
    ET.SubElement(
        svg,
        "polyline",
        {"points": " ".join(points), "fill": "none", "stroke": INK, "stroke-width": "2.5"},
    )
