"""What a panel hears when a background job's result is not there: not yet, or the job failed."""
from __future__ import annotations

from analytics.predict.risk import NoModel


class NotReady(Exception):
    """A result that is computed by a background job (outliers, the risk model, the map) is not there yet; the
    panel waits for the job instead of computing it on the web request."""


class JobFailed(NoModel):
    """The job that learns the risk model failed or ran past its time limit; the message says which, in one
    line. A NoModel, so the risk panels show it where they say why there is no model."""
