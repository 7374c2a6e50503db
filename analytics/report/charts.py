"""Small charts as inline SVG: the report opens offline and prints sharply, with no script and no library.

Every label is escaped (labels come from the school's file); each bar carries its number as text, so the
chart reads in black and white and its figures can be checked against the data.
"""
from __future__ import annotations

from html import escape

# the dashboard's persona colours (components/theme.py), repeated here: analytics never imports components
COLOURS = ["#2563eb", "#f59e0b", "#10b981", "#e11d48", "#8b5cf6", "#0891b2", "#f97316", "#64748b"]
ROW, LABEL_WIDTH, BAR_WIDTH, TEXT_WIDTH = 22, 270, 280, 120


def bars(items: list[tuple[str, float, str]], title: str, colours: list[str] | None = None,
         maximum: float | None = None) -> str:
    """Horizontal bars: (label, value, text shown at the bar's end) per row."""
    if not items:
        return ""
    top = maximum or max((value for _, value, _ in items), default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
    height = ROW * len(items) + 6
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px" aria-label="{escape(title, quote=True)}">'
             f"<title>{escape(title)}</title>"]
    for i, (label, value, text) in enumerate(items):
        y = 3 + i * ROW
        colour = (colours or COLOURS)[i % len(colours or COLOURS)]
        length = max(1.0, BAR_WIDTH * max(value, 0) / top)
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end" font-size="12" fill="#1f2933">'
                     f"{escape(short)}</text>"
                     f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 6}" rx="2" '
                     f'fill="{colour}"/>'
                     f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 14}" font-size="12" fill="#1f2933">'
                     f"{escape(text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def diverging(items: list[tuple[str, float]], title: str, limit: float = 1.5) -> str:
    """A persona's theme profile in SD from the cohort: bars left (below) and right (above) of a centre line."""
    if not items:
        return ""
    half = (BAR_WIDTH + TEXT_WIDTH) / 2
    width = LABEL_WIDTH + 2 * half
    height = ROW * len(items) + 6
    centre = LABEL_WIDTH + half
    parts = [f'<svg role="img" viewBox="0 0 {width:.0f} {height}" '
             f'width="100%" style="max-width:{width:.0f}px" aria-label="{escape(title, quote=True)}">'
             f"<title>{escape(title)}</title>"
             f'<line x1="{centre}" y1="0" x2="{centre}" y2="{height}" stroke="#9aa5b1"/>']
    for i, (label, z) in enumerate(items):
        y = 3 + i * ROW
        length = min(abs(z), limit) / limit * (half - 40)
        x = centre if z >= 0 else centre - length
        colour = "#10b981" if z >= 0 else "#e11d48"
        text_x = centre + length + 4 if z >= 0 else centre - length - 4
        anchor = "start" if z >= 0 else "end"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end" font-size="12" fill="#1f2933">'
                     f"{escape(label)}</text>"
                     f'<rect x="{x:.1f}" y="{y + 2}" width="{max(length, 1):.1f}" height="{ROW - 6}" fill="{colour}"/>'
                     f'<text x="{text_x:.1f}" y="{y + 14}" text-anchor="{anchor}" font-size="11" fill="#1f2933">'
                     f"{z:+.2f}</text>")
    parts.append("</svg>")
    return "".join(parts)
