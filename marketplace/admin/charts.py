"""Bar charts drawn on the server: the geometry of an inline SVG (the template draws it), from
plain figures. No JavaScript and no library: bars with a value title each for hover, a y axis
with round ticks, x labels thinned to fit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The drawing's own units (the SVG scales to its box, keeping this aspect ratio).
WIDTH = 960
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 52
MAX_X_LABELS = 12
BAR_FILL = 0.7  # the share of its slot a bar fills
MAX_BAR_WIDTH = 56  # a week's bars stay bars, not blocks
MIN_SLOT_FOR_VALUES = 20  # slots narrower than this get no value written above their bar


@dataclass(frozen=True)
class Point:
    label: str  # under the bar ("3 Mar")
    title: str  # on hover ("Tue 3 Mar 2026: 4 orders")
    value: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    value: str  # written above a bar that is not zero, when there is room

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def value_y(self) -> float:
        return round(self.y - 5, 2)


@dataclass(frozen=True)
class Tick:
    at: float  # x for a label under the axis, y for one beside it
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the x axis
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[Tick, ...]
    x_title: str
    y_title: str
    show_values: bool

    @property
    def y_label_x(self) -> int:
        return self.left - 8

    @property
    def x_label_y(self) -> int:
        return self.bottom + 18

    @property
    def x_title_y(self) -> int:
        return self.height - 8

    @property
    def y_title_x(self) -> int:
        return 14

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def tick_step(maximum: int, *, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` steps up to
    `maximum`; 1 for a chart of zeros."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover (the loop's last factor always fits)


def bar_chart(points: Sequence[Point], *, x_title: str, y_title: str) -> BarChart:
    """Bars of `points`, left to right, on an axis from 0 to a round value at or above the
    largest."""
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_w, plot_h = right - LEFT, bottom - TOP
    largest = max((p.value for p in points), default=0)
    step = tick_step(largest)
    top_value = max(step * math.ceil(largest / step), step)
    slot = plot_w / max(len(points), 1)
    width = min(slot * BAR_FILL, MAX_BAR_WIDTH)
    bars = []
    for n, point in enumerate(points):
        height = plot_h * point.value / top_value
        bars.append(
            Bar(
                x=round(LEFT + slot * n + (slot - width) / 2, 2),
                y=round(bottom - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                title=point.title,
                value=f"{point.value:,}" if point.value else "",
            )
        )
    y_ticks = tuple(
        Tick(at=round(bottom - plot_h * value / top_value, 2), label=f"{value:,}")
        for value in range(0, top_value + 1, step)
    )
    every = math.ceil(len(points) / MAX_X_LABELS) or 1
    x_labels = tuple(
        Tick(at=round(LEFT + slot * (n + 0.5), 2), label=point.label)
        for n, point in enumerate(points)
        if n % every == 0
    )
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        bars=tuple(bars),
        y_ticks=y_ticks,
        x_labels=x_labels,
        x_title=x_title,
        y_title=y_title,
        show_values=slot >= MIN_SLOT_FOR_VALUES,
    )
