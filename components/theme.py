"""Colours and the shared Plotly look, so a persona has the same colour in every chart."""
from __future__ import annotations

FONT = "Inter Variable, Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK, MUTED, GRID = "#1e293b", "#64748b", "#e2e8f0"

# Qualitative, colour-blind-aware order (after Okabe-Ito / Tableau); persona id 0 gets the first.
PERSONA_COLOURS = ["#2563eb", "#f59e0b", "#10b981", "#e11d48", "#8b5cf6", "#0891b2", "#f97316", "#64748b"]
# Trajectories are ordered best to weakest, so a green-to-red ramp reads without a legend.
TRAJECTORY_RAMP = ["#059669", "#65a30d", "#eab308", "#f97316", "#dc2626"]

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def persona_colours(names: list[str]) -> dict[str, str]:
    return {name: PERSONA_COLOURS[i % len(PERSONA_COLOURS)] for i, name in enumerate(names)}


def trajectory_colours(names: list[str]) -> dict[str, str]:
    n = len(names)
    if n == 1:
        return {names[0]: TRAJECTORY_RAMP[0]}
    last = len(TRAJECTORY_RAMP) - 1
    return {name: TRAJECTORY_RAMP[round(i * last / (n - 1))] for i, name in enumerate(names)}


def base_layout(**overrides) -> dict:
    layout = {
        "font": {"family": FONT, "color": INK, "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT}, "bgcolor": "white", "bordercolor": GRID},
        "colorway": PERSONA_COLOURS,
        "modebar": {"bgcolor": "rgba(0,0,0,0)", "color": "#94a3b8", "activecolor": "#2563eb"},
    }
    layout.update(overrides)
    return layout
