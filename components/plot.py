"""Figures as plain JSON dicts with the few go.Figure methods the dashboard uses.

plotly.graph_objects validates every property on every assignment; building the breakdown chart that way
took ~40 ms of a 50 ms budget per cross-filter update. Dash sends dicts unchanged, so figures here are dicts
(Plotly's own advice for speed in Dash), with attribute access so callers and tests read them like go objects.
"""
from __future__ import annotations


class Spec(dict):
    """A dict whose keys are also attributes (fig.data[0].marker.colors); nested dicts become Specs."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def spec(value):
    if isinstance(value, dict):
        return Spec({k: spec(v) for k, v in value.items()})
    if isinstance(value, list):
        return [spec(v) for v in value]
    return value


def trace(kind: str, **props) -> Spec:
    return spec({"type": kind, **props})


def _merge(target: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = spec(value)


class Figure(Spec):
    def __init__(self, data=None, layout: dict | None = None):
        traces = [] if data is None else [data] if isinstance(data, dict) else list(data)
        super().__init__(data=[spec(t) for t in traces], layout=spec(layout or {}))

    def add_trace(self, item: dict) -> "Figure":
        self["data"].append(spec(item))
        return self

    def add_traces(self, items) -> "Figure":
        for item in items:
            self.add_trace(item)
        return self

    def update_layout(self, update: dict | None = None, **props) -> "Figure":
        _merge(self["layout"], {**(update or {}), **props})
        return self

    def update_xaxes(self, **props) -> "Figure":
        return self.update_layout({"xaxis": props})

    def update_yaxes(self, **props) -> "Figure":
        return self.update_layout({"yaxis": props})

    def add_annotation(self, **props) -> "Figure":
        self["layout"].setdefault("annotations", []).append(spec(props))
        return self
