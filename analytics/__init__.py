"""Cohort Atlas analytics: pure pandas / scikit-learn, no Dash. The CLI is `python -m analytics`."""
from analytics.analysis import analyse, analyse_file
from analytics.errors import DataError
from analytics.ingest.read import read_bytes, read_path

__all__ = ["analyse", "analyse_file", "read_bytes", "read_path", "DataError"]
