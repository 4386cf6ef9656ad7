"""Geometry of the report's SVG charts: numbers only, the markup is in the templates
(reports/_bar_chart.html, _line_chart.html). Every chart comes with a table of the same
numbers on the page, for screen readers and for copying."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 220
LEFT = 44  # room for the y axis' labels
BOTTOM = 24  # room for the x axis' labels
TOP = 8
LABELS_SHOWN = 8


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: float
    label: str
    href: str = ""  # the tickets behind the bar (reports.links), when it has a list


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # "x,y" per series, for <polyline>
    dots: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x, label)


def _scale(top_value: float) -> tuple[float, list[float]]:
    """A round maximum for the y axis, and its five ticks from zero."""
    if top_value <= 0:
        return 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]
    raw = top_value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    unit = next(n * magnitude for n in (1, 2, 2.5, 5, 10) if n * magnitude >= raw)
    return unit * 4, [unit * i for i in range(5)]


def _frame(chart: Chart, top_value: float, fmt) -> float:
    top, ticks = _scale(top_value)
    plot = chart.baseline - TOP
    chart.ticks = [(chart.baseline - plot * t / top, fmt(t)) for t in ticks]
    return top


def _x_labels(chart: Chart, labels: list[str], slot: float) -> None:
    every = max(1, -(-len(labels) // LABELS_SHOWN))
    chart.labels = [
        (LEFT + slot * i + slot / 2, label) for i, label in enumerate(labels) if i % every == 0
    ]


def bars(
    labels: list[str],
    series: list[list[float]],
    fmt=lambda v: f"{v:g}",
    links: list[list[str]] | None = None,
) -> Chart:
    """Grouped bars: one group per label, one bar per series; ``links``, per series and
    label, the URL a bar leads to ("" for none)."""
    chart = Chart()
    top = _frame(chart, max((v for s in series for v in s), default=0), fmt)
    plot = chart.baseline - TOP
    slot = (WIDTH - LEFT) / max(1, len(labels))
    width = max(1.0, slot * 0.8 / max(1, len(series)))
    for i, label in enumerate(labels):
        for j, values in enumerate(series):
            h = plot * values[i] / top
            chart.bars.append(
                Bar(
                    x=round(LEFT + slot * i + slot * 0.1 + width * j, 1),
                    y=round(chart.baseline - h, 1),
                    width=round(width, 1),
                    height=round(h, 1),
                    series=j,
                    value=values[i],
                    label=label,
                    href=links[j][i] if links else "",
                )
            )
    _x_labels(chart, labels, slot)
    return chart


def lines(
    labels: list[str], series: list[list[float | None]], fmt=lambda v: f"{v:g}", top=None
) -> Chart:
    """Lines through the points of each series; None leaves a point out."""
    chart = Chart()
    values = [v for s in series for v in s if v is not None]
    top = _frame(chart, top if top is not None else max(values, default=0), fmt)
    plot = chart.baseline - TOP
    slot = (WIDTH - LEFT) / max(1, len(labels))
    for j, values_ in enumerate(series):
        points = []
        for i, v in enumerate(values_):
            if v is None:
                continue
            x = round(LEFT + slot * i + slot / 2, 1)
            y = round(chart.baseline - plot * v / top, 1)
            points.append(f"{x},{y}")
            chart.dots.append(Bar(x, y, 0, 0, j, v, labels[i]))
        chart.points.append(" ".join(points))
    _x_labels(chart, labels, slot)
    return chart


def stacked(labels: list[str], series: list[list[float]], fmt=lambda v: f"{v:g}") -> Chart:
    """Stacked bars: one bar per label, the series piled from the baseline in order (the
    backlog by status: how many tickets in each status at the period's end)."""
    chart = Chart()
    heights = [sum(max(0, s[i]) for s in series) for i in range(len(labels))]
    top = _frame(chart, max(heights, default=0), fmt)
    plot = chart.baseline - TOP
    slot = (WIDTH - LEFT) / max(1, len(labels))
    width = max(1.0, slot * 0.8)
    for i, label in enumerate(labels):
        y = chart.baseline
        for j, values in enumerate(series):
            h = plot * max(0, values[i]) / top
            y -= h
            chart.bars.append(
                Bar(
                    x=round(LEFT + slot * i + slot * 0.1, 1),
                    y=round(y, 1),
                    width=round(width, 1),
                    height=round(h, 1),
                    series=j,
                    value=values[i],
                    label=label,
                )
            )
    _x_labels(chart, labels, slot)
    return chart
