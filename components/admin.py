"""The Administration tab: where accounts, the audit log and retention are managed. The pages themselves are
plain server pages (no script), so the tab links to them rather than rebuilding them in Dash."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from . import ids
from .cards import section_title


def admin_section(prefix: str = "/", accounts: bool = False, retention_days: float | None = None) -> html.Div:
    """`accounts`: sign-in is on, so there is an accounts page to link to."""
    if accounts:
        people = html.Li([html.A("Accounts and school settings", href=prefix + "accounts"),
                          ": add people and their roles, share a dataset with a teacher, turn the AI provider on "
                          "or off and choose who sees special-category columns."])
    else:
        people = html.Li("Accounts: sign-in is not set up on this server, so it runs for one person on this "
                         "computer. The README's 'Sign-in' section says how to turn it on.")
    kept = (f"Datasets are deleted {retention_days:g} days after their upload (COHORT_ATLAS_RETENTION_DAYS); "
            "`python app.py datasets purge` applies it now." if retention_days else
            "Datasets are deleted after the retention period the server is set to.")
    return html.Div([
        section_title("Administration", "gear"),
        dbc.Card(dbc.CardBody(html.Ul([
            people,
            html.Li([html.A("Audit log", href=prefix + "admin/audit"), " (",
                     html.A("download as CSV", href=prefix + "admin/audit?format=csv"),
                     "): who uploaded, viewed, exported and deleted what, and when."]),
            html.Li(kept),
        ], className="mb-0")), className="section-card mb-5"),
    ], id=ids.ADMIN_SECTION)
