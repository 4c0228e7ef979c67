"""Small charts drawn on the server as SVG geometry: numbers only, which the templates write as SVG attributes
(``workspace/oversight/_chart_*.html``). No script and no style attribute, so the strict CSP holds; colours
are CSS classes of ``workspace.css``. Every chart comes with its text (a <title>, a <desc> and a data table).
"""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str  # under the bar (the year)
    printed: str  # above the bar (the value, or "—")
    x: float
    y: float
    width: float
    height: float
    note: str = ""  # under the label: what the value covers (the reports counted)

    @property
    def centre(self):
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self):
        return round(self.y - 5, 1)


@dataclass
class BarChart:
    width: int
    height: int
    baseline: float
    bars: list

    @property
    def label_y(self):
        return self.baseline + 16

    @property
    def note_y(self):
        return self.label_y + 14


NOTE_ROOM = 14  # the height a line of notes under the labels takes


def bar_chart(points, width=360, height=170, top=20, bottom=24, gap=0.35, notes=None):
    """Vertical bars of ``points`` [(label, value or None, printed)] scaled to the largest value; a missing
    value has no bar, only its printed "—". ``notes``, one a bar, are written under the labels."""
    if notes:
        height, bottom = height + NOTE_ROOM, bottom + NOTE_ROOM
    notes = notes or [""] * len(points)
    baseline = height - bottom
    room = baseline - top
    largest = max((v for _, v, _ in points if v), default=0)
    step = width / max(len(points), 1)
    bars = []
    for i, ((label, value, printed), note) in enumerate(zip(points, notes, strict=True)):
        h = float(room * value / largest) if value and largest else 0.0
        if value and h < 1:
            h = 1.0  # a figure above zero stays visible
        w = step * (1 - gap)
        x = round(i * step + (step - w) / 2, 1)
        bars.append(Bar(label, printed, x, round(baseline - h, 1), round(w, 1), round(h, 1), note))
    return BarChart(width, height, baseline, bars)


@dataclass
class Segment:
    label: str
    percent: str
    index: int  # its colour: share-<index> in workspace.css
    x: float
    width: float


def share_bar(shares, width=360):
    """One bar split by ``shares`` (objects with label, fraction, percent), left to right."""
    segments, x = [], 0.0
    for i, share in enumerate(shares):
        w = round(width * share.fraction, 1)
        segments.append(Segment(share.label, share.percent, i, round(x, 1), w))
        x += w
    return segments
