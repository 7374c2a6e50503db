import os
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
KAGGLE = "student_performance_factors.csv"
sys.path.insert(0, str(ROOT))

from analytics import analyse_file  # noqa: E402
from backend.store import DatasetStore  # noqa: E402


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


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A disk store of uploads, as the app uses it (one per test module)."""
    return DatasetStore(str(tmp_path_factory.mktemp("cache")), max_bytes=50 * 2**20)


@pytest.fixture(scope="module")
def kaggle_id(store, kaggle_bytes):
    return store.add(kaggle_bytes, KAGGLE)


@pytest.fixture(scope="module")
def analysis(store, kaggle_id):
    """The Kaggle file's analysis as the dashboard shows it once the outlier job has run."""
    store.find_outliers(kaggle_id, 5)
    return store.analysis(kaggle_id, 5)


@pytest.fixture(scope="module")
def kaggle_ready(store, kaggle_id):
    """The Kaggle file's id once its background jobs (outliers, risk model) have run, as they would in the app."""
    store.run_jobs(kaggle_id, 5)
    return kaggle_id


@pytest.fixture(scope="module")
def partial(store, kaggle_path):
    """Files that lack columns: (no trajectories, no gender/school/exam) and (no personas, no gender)."""
    frame = pd.read_csv(kaggle_path).head(400)
    no_traj = store.add(frame[["Hours_Studied", "Attendance", "Motivation_Level", "Gender"]].to_csv(index=False)
                        .encode(), "no-scores.csv")
    no_personas = store.add(frame[["Previous_Scores", "Exam_Score", "School_Type"]].to_csv(index=False).encode(),
                            "scores-only.csv")
    for dataset_id in (no_traj, no_personas):
        store.run_jobs(dataset_id, 5)
    return store.analysis(no_traj, 5), store.analysis(no_personas, 5)


@pytest.fixture(scope="session")
def kaggle_risk(kaggle):
    """The risk model learnt from the Kaggle file (cross-validated), fitted once per test session."""
    from analytics.predict.risk import fit_risk

    kaggle.dataset_id = kaggle.dataset_id or "kaggle"
    return fit_risk(kaggle)


@pytest.fixture(scope="session")
def kaggle_whatif(kaggle, kaggle_risk):
    from analytics.predict.risk import predicted_scores
    from analytics.predict.whatif import prepare

    return prepare(kaggle_risk, kaggle, predicted_scores(kaggle_risk, kaggle))
