import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT))

from analytics import analyse_file  # noqa: E402


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def kaggle_path() -> Path:
    return DATA / "student_performance_factors.csv"


@pytest.fixture(scope="session")
def kaggle(kaggle_path):
    """The Kaggle file analysed once with the default 5 personas."""
    return analyse_file(str(kaggle_path))


@pytest.fixture(scope="session")
def kaggle_bytes(kaggle_path) -> bytes:
    return kaggle_path.read_bytes()


@pytest.fixture
def cache_dir(tmp_path) -> str:
    path = tmp_path / "cache"
    os.makedirs(path)
    return str(path)
