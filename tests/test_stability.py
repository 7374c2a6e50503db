"""How far to trust each number of personas: bootstrap stability (ARI) beside the silhouette, the suggested
count, and what the screen says when the personas are unstable or rest on few students."""
import json

import numpy as np
import pandas as pd
import pytest
from dash import no_update
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, silhouette_score

from analytics.models.stability import Stability, measure, of_analysis, suggest
from analytics.results import THEME_PREFIX
from backend import tasks
from backend.store import NotReady
from callbacks import overview
from callbacks.stability import caveat, quality
from components import ids
from components.stability import caveats, quality_table, unstable_text


def standardised(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0)


def blobs(n: int = 400, seed: int = 0) -> np.ndarray:
    return standardised(make_blobs(n_samples=n, centers=4, n_features=6, cluster_std=1.0, random_state=seed)[0])


def noise(n: int = 400) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 6))


def by_hand(x: np.ndarray, k: int, measured: np.ndarray) -> tuple[float, float]:
    """(silhouette, mean ARI) as the docstring's protocol says, with sklearn and numpy alone."""
    reference = KMeans(n_clusters=k, n_init=4, random_state=0).fit(x).predict(x)[measured]
    m = x[measured]
    aris = []
    for b in range(20):
        rows = np.random.default_rng([0, b]).integers(0, len(m), len(m))
        refit = KMeans(n_clusters=k, n_init=2, random_state=b).fit(m[rows])
        aris.append(adjusted_rand_score(reference, refit.predict(m)))
    return silhouette_score(m, reference, random_state=0), float(np.mean(aris))


def text_of(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_four_clear_clusters_are_stable_and_four_is_suggested(seed):
    found = measure(blobs(seed=seed))
    assert found.ari[4] > 0.95 and found.suggested == 4
    assert max(found.silhouette, key=found.silhouette.get) == 4
    assert not found.unstable(4)


def test_noise_is_unstable_at_every_count_and_nothing_is_suggested():
    found, clear = measure(noise()), measure(blobs())
    assert set(found.ari) == set(range(2, 9))
    for k in found.ari:
        assert found.ari[k] < 0.6 and found.unstable(k)
        assert found.ari[k] < clear.ari[k]
    assert found.suggested is None


def test_ari_and_silhouette_are_sklearns_on_the_seeded_resamples():
    x = np.vstack([blobs(200), noise(100)])  # some structure, some noise: ARI neither 0 nor 1
    found = measure(x, ks=(3, 5))
    assert found.students == found.measured_on == 300 and not found.sampled
    for k in (3, 5):
        silhouette, ari = by_hand(x, k, np.arange(300))
        assert found.silhouette[k] == pytest.approx(silhouette, abs=1e-4)
        assert found.ari[k] == pytest.approx(ari, abs=1e-4)


def test_a_large_file_is_measured_on_a_stated_seeded_sample():
    x = np.vstack([blobs(1500), noise(1500)])
    found = measure(x, ks=(4,))
    sample = np.sort(np.random.default_rng(0).choice(3000, 2000, replace=False))
    silhouette, ari = by_hand(x, 4, sample)
    assert (found.students, found.measured_on, found.sampled) == (3000, 2000, True)
    assert found.silhouette[4] == pytest.approx(silhouette, abs=1e-4)
    assert found.ari[4] == pytest.approx(ari, abs=1e-4)
    method = found.to_dict()["stability_method"]
    assert method["measured_on"] == 2000 and method["students"] == 3000 and method["sampled"]
    assert method["sample"] == "numpy.random.default_rng(0).choice(3000, 2000, replace=False), sorted"


def test_the_suggestion_is_the_best_separated_stable_count():
    silhouette = {2: 0.50, 3: 0.70, 4: 0.55, 5: 0.55}
    assert suggest(silhouette, {2: 0.90, 3: 0.70, 4: 0.80, 5: 0.99}) == 4  # 3 separates best but is not stable
    assert suggest(silhouette, {2: 0.90, 3: 0.70, 4: 0.50, 5: 0.99}) == 5
    assert suggest({4: 0.5, 5: 0.5}, {4: 0.8, 5: 0.8}) == 4  # a tie goes to fewer personas
    assert suggest(silhouette, {2: 0.7, 3: 0.6, 4: 0.1, 5: 0.2}) is None


def test_the_unstable_sentence_appears_below_ari_0_6_only():
    def found(ari):
        return Stability(6607, 2000, {5: 0.09, 2: 0.2}, {5: ari, 2: 0.9}, 2)

    text = unstable_text(found(0.59), 5)
    assert "convenience for describing this cohort, not a finding" in text
    assert "0.59" in text and "measured on 2,000 of 6,607 students" in text
    assert "2 personas are stable here (stability 0.90)" in text
    assert unstable_text(found(0.60), 5) is None and unstable_text(found(0.9), 5) is None
    assert caveats(found(0.9), 5, 6607) is None


def test_few_students_are_said_with_their_number():
    shown = text_of(caveats(None, 3, 150))
    assert "rest on 150 students" in shown and "fewer than 200" in shown
    assert caveats(None, 3, 200) is None


def test_the_selector_table_shows_every_count_with_its_students():
    found = Stability(150, 150, {2: 0.41, 3: 0.37, 4: 0.33}, {2: 0.93, 3: 0.58, 4: 0.81}, 2)
    table = quality_table(found, 3)
    shown = text_of(table)
    assert "Measured on all 150 students" in shown
    assert "0.41" in shown and "0.93" in shown and "0.58" in shown
    assert "★ Suggested: 2 personas" in shown
    rows = table.children[0].children.children[1].children  # the table's body
    separation, stable = (text_of(row) for row in rows)
    assert separation.split()[1:] == ["0.41", "0.37", "0.33", "–", "–", "–", "–"]  # 5-8: not measured
    assert stable.split()[1:] == ["0.93", "0.58", "0.81", "–", "–", "–", "–"]


# --- the Kaggle file, through the CLI and through the dashboard's store and job -------------------------


@pytest.fixture(scope="module")
def kaggle_stability(kaggle):
    return of_analysis(kaggle)


def test_summarize_json_has_stability_per_count_with_its_sample(cli, kaggle_path, kaggle, kaggle_stability):
    doc = json.loads(cli("summarize", kaggle_path, "--json", "--no-risk").stdout)
    assert set(doc["stability"]) == {str(k) for k in range(2, 9)}
    assert doc["stability"] == {str(k): v for k, v in kaggle_stability.ari.items()}
    method = doc["stability_method"]
    assert (method["students"], method["measured_on"], method["sampled"]) == (6607, 2000, True)
    assert method["resamples"] == 20 and "adjusted Rand" in method["protocol"] and "silhouette" in method["rule"]
    # the silhouette beside 5 is the one the five personas report
    assert method["silhouette"]["5"] == pytest.approx(doc["silhouette"]["personas"], abs=0.002)
    # recomputed from the file's themes: the Kaggle themes have no stable grouping at any count
    x = kaggle.students[[THEME_PREFIX + t for t in kaggle.themes]].to_numpy(dtype=float)
    silhouette, ari = by_hand(x, 5, np.sort(np.random.default_rng(0).choice(6607, 2000, replace=False)))
    assert doc["stability"]["5"] == pytest.approx(ari, abs=1e-4) and ari < 0.6
    assert method["silhouette"]["5"] == pytest.approx(silhouette, abs=1e-4)
    assert method["suggested_k"] is None and not method["few_students"]
    assert doc["silhouette_measured_on"] == 2000  # the silhouette, too, says how many students it rests on


def test_summarize_text_says_a_small_file_rests_on_few_students(cli, kaggle_path, tmp_path):
    small = tmp_path / "small.csv"
    pd.read_csv(kaggle_path).head(150).to_csv(small, index=False)
    out = cli("summarize", small, "--no-risk").stdout
    assert "Persona counts, measured on all 150 students" in out
    assert "Personas (silhouette " in out and ", on all 150 students):" in out
    assert "The personas rest on 150 students (fewer than 200)." in out
    doc = json.loads(cli("summarize", small, "--json", "--no-risk").stdout)
    assert doc["stability_method"]["few_students"] and doc["stability_method"]["measured_on"] == 150


def test_the_dashboard_measures_in_a_background_job_and_shows_it(kaggle_first_view, kaggle_stability):
    store, dataset = kaggle_first_view
    view = {"dataset_id": dataset, "personas": 5}
    with pytest.raises(NotReady):
        store.stability(dataset)  # never measured on a web request
    out = dict(zip(overview.OUTPUTS, overview.overview(store, dataset, 5)))
    assert out[ids.JOB_START["stability"]] == out[ids.VIEW]  # the view starts the job
    assert "Testing how separated and how stable" in text_of(quality(store, view))
    assert "convenience" not in text_of(caveat(store, view))  # not known yet

    reports = []
    assert tasks.run(store, "stability", dataset, 5, reports.append)["ok"]
    assert reports[0] == "Testing 2 personas on 20 resamples of 2,000 students…"
    found = store.stability(dataset)
    assert found.ari == kaggle_stability.ari and found.silhouette == kaggle_stability.silhouette

    shown = text_of(quality(store, view))
    assert "Measured on 2,000 of 6,607 students (a fixed random sample)" in shown
    assert f"{found.ari[5]:.2f}" in shown and f"{found.silhouette[5]:.2f}" in shown
    assert "No number of personas is stable on this file" in shown
    warning = text_of(caveat(store, view))
    assert f"adjusted Rand index of {found.ari[5]:.2f}" in warning and "not a finding" in warning
    assert "measured on 2,000 of 6,607 students" in warning
    out = dict(zip(overview.OUTPUTS, overview.overview(store, dataset, 5)))
    assert out[ids.JOB_START["stability"]] is no_update  # measured once for every persona count
    assert text_of(caveat(store, {"dataset_id": dataset, "personas": 3})).count("With 3 personas") == 1


def test_a_file_without_personas_starts_no_stability_job(kaggle_first_view, kaggle_path):
    store, _ = kaggle_first_view
    frame = pd.read_csv(kaggle_path).head(300)[["Previous_Scores", "Exam_Score"]]
    dataset = store.add(frame.to_csv(index=False).encode(), "scores-only.csv")
    view = {"dataset_id": dataset, "personas": 5}
    out = dict(zip(overview.OUTPUTS, overview.overview(store, dataset, 5)))
    assert out[ids.JOB_START["stability"]] is no_update
    assert quality(store, view) is None and caveat(store, view) is None
    assert tasks.run(store, "stability", dataset)["ok"] and store.stability(dataset) is None


def test_a_small_upload_says_its_personas_rest_on_few_students_at_once(kaggle_first_view, kaggle_path):
    store, _ = kaggle_first_view
    dataset = store.add(pd.read_csv(kaggle_path).head(120).to_csv(index=False).encode(), "small.csv")
    shown = text_of(caveat(store, {"dataset_id": dataset, "personas": 5}))
    assert "These personas rest on 120 students" in shown

