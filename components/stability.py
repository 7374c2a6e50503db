"""How far to trust the personas: each persona count's separation and stability under the selector, and the
persona section's caveat when the chosen count is unstable or rests on few students. Every number is shown
with the number of students it was measured on."""
from __future__ import annotations

from dash import html

from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS
from analytics.models.stability import FEW_STUDENTS, STABLE, UNSTABLE, Stability

PENDING = "Testing how separated and how stable each number of personas is…"


def measured_on(found: Stability) -> str:
    if found.sampled:
        return f"{found.measured_on:,} of {found.students:,} students (a fixed random sample)"
    return f"all {found.students:,} students"


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def quality_table(found: Stability, chosen: int | None) -> html.Div:
    """The silhouette and stability of every count (the chosen one in bold, the suggested one starred), the
    students they were measured on, and the suggestion or why there is none."""
    counts = range(MIN_PERSONAS, MAX_PERSONAS + 1)

    def head(k: int):
        star = [html.Span("★", **{"aria-hidden": "true"}), html.Span(" suggested", className="visually-hidden")]
        return html.Th([str(k), *(star if k == found.suggested else [])], scope="col",
                       className="chosen" if k == chosen else None)

    def row(label: str, values: dict[int, float]):
        return html.Tr([html.Th(label, scope="row")] + [
            html.Td(_cell(values.get(k)), className="chosen" if k == chosen else None) for k in counts])

    table = html.Table([html.Thead(html.Tr([html.Th("Personas", scope="col")] + [head(k) for k in counts])),
                        html.Tbody([row("Separation", found.silhouette), row("Stability", found.ari)])],
                       className="table table-sm persona-quality-table mb-1")
    if found.suggested is not None:
        advice = (f"★ Suggested: {found.suggested} personas, stable (stability {found.ari[found.suggested]:.2f}, "
                  f"at least {STABLE}) and the best separated of the stable counts.")
    else:
        advice = (f"No number of personas is stable on this file (stability below {STABLE} for every count): "
                  "whichever you choose, the personas are a convenience, not a finding.")
    method = (f"Measured on {measured_on(found)}. Separation is the silhouette (-1 to 1, higher is better "
              f"separated); stability is the mean adjusted Rand index of {found.resamples} K-Means refits on "
              "bootstrap resamples against these personas (1 = the same groups every time, 0 = chance).")
    return html.Div([html.Div(table, className="table-responsive"),
                     html.Div(advice, className="settings-help persona-advice"),
                     html.Div(method, className="settings-help")])


def pending() -> html.Div:
    return html.Div(PENDING, className="settings-help")


def unstable_text(found: Stability, k: int) -> str | None:
    """The sentence for a chosen count whose personas do not come back on resampled students (ARI < 0.6)."""
    if not found.unstable(k):
        return None
    text = (f"With {k} personas the groups do not come back reliably: refitted on resampled students they agree "
            f"with these by an adjusted Rand index of {found.ari[k]:.2f} (1 = the same groups every time; below "
            f"{UNSTABLE} counts as unstable; measured on {measured_on(found)}). Treat the personas as a "
            "convenience for describing this cohort, not a finding about it.")
    if found.suggested is not None:
        return text + (f" {found.suggested} personas are stable here (stability "
                       f"{found.ari[found.suggested]:.2f}).")
    return text + " No number of personas from 2 to 8 is stable on this file."


def few_text(students: int) -> str | None:
    if students >= FEW_STUDENTS:
        return None
    return (f"These personas rest on {students:,} students: with fewer than {FEW_STUDENTS}, a few students more "
            "or fewer can change who is grouped with whom.")


def caveats(found: Stability | None, k: int, students: int) -> list | None:
    """The persona section's warnings for `k` personas fitted on `students` students (None: nothing to say)."""
    texts = [t for t in (few_text(students), unstable_text(found, k) if found else None) if t]
    if not texts:
        return None
    return [html.Div([html.I(className="bi bi-exclamation-triangle me-2", **{"aria-hidden": "true"}), text],
                     className="chart-note persona-caveat mb-3") for text in texts]
