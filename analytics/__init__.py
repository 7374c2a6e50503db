"""Cohort Atlas analytics: pure pandas / scikit-learn, no Dash. The CLI is `python -m analytics`."""
from .analysis import analyse, analyse_file
from .errors import DataError
from .ingest import read_bytes, read_path

__all__ = ["analyse", "analyse_file", "read_bytes", "read_path", "DataError"]
