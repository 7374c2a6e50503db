"""The tabs, one per job a school comes with: their names and paths, and the bar that switches between them.

The URL's path names the tab (/overview, /explore...) and its query the view (dataset, filters, pass mark), so
a copied address reopens the same job on the same students. Only the open tab's sections are in the page
(callbacks/tabs.py renders them), so a click computes only what the open tab shows.
"""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from . import ids


@dataclass(frozen=True)
class Tab:
    key: str  # its path after the app's prefix
    label: str
    icon: str  # a Bootstrap icon name
    admin: bool = False  # listed only for administrators


TABS = (Tab("overview", "Overview", "grid-1x2"),
        Tab("explore", "Explore", "stars"),
        Tab("risk", "Risk and interventions", "activity"),
        Tab("subjects", "Subjects and benchmarks", "journal-text"),
        Tab("insights", "Insights and questions", "lightbulb"),
        Tab("report", "Report", "file-earmark-text"),
        Tab("admin", "Administration", "gear", admin=True))
KEYS = tuple(tab.key for tab in TABS)
DEFAULT = "overview"
HIDDEN = {"display": "none"}


def tab_key(path: str | None) -> str:
    """The tab a path (without the app's prefix) opens: its first part when that names a tab, else Overview."""
    first = (path or "").strip("/").split("/")[0]
    return first if first in KEYS else DEFAULT


def tab_nav(prefix: str) -> html.Nav:
    """The tab bar. Each link keeps the view: its query follows the URL's (callbacks/tabs.py)."""
    items = [dbc.NavItem(dbc.NavLink([html.I(className=f"bi bi-{tab.icon} me-1", **{"aria-hidden": "true"}),
                                      tab.label], href=prefix + tab.key, id=ids.tab_link(tab.key),
                                     active=tab.key == DEFAULT, className="tab-link"),
                         style=HIDDEN if tab.admin else None, id=f"{ids.tab_link(tab.key)}-item")
             for tab in TABS]
    return html.Nav(dbc.Nav(items, pills=True, className="tab-bar"), id=ids.TABS_NAV, className="tab-nav mb-3",
                    **{"aria-label": "Dashboard sections"})
