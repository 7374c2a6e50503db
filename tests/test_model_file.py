"""Carrying a persona model forward: written as one JSON file with no student rows, read back to the same
centres, and placed on a file it gives back the personas exactly; a file lacking its themes is told which."""
import json

import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse
from analytics.errors import DataError
from analytics.ingest.read import read_bytes
from analytics.ingest.school import generate_school
from analytics.models import model_file


def table(frame: pd.DataFrame, name: str):
    return read_bytes(frame.to_csv(index=False).encode(), name)


@pytest.fixture(scope="module")
def school():
    return generate_school(900, 11)


@pytest.fixture(scope="module")
def fitted(school):
    return analyse(table(school, "year1.csv"), outliers=False)


def test_a_model_read_back_has_identical_centres_and_scaling(fitted):
    text = model_file.dumps(fitted)
    model = model_file.from_document(model_file.loads(text, "m.json"))
    assert np.array_equal(model.centroids, fitted.persona_model.centroids)  # exact, not approximately
    assert model.parts == fitted.persona_model.parts and model.themes == fitted.persona_model.themes
    assert model.fills == fitted.persona_model.fills and model.names == fitted.persona_model.names


def test_the_same_file_placed_on_its_model_gets_exactly_its_personas(school, fitted):
    doc = json.loads(model_file.dumps(fitted))
    again = analyse(table(school, "year1.csv"), outliers=False, choices={model_file.CHOICE_KEY: doc})
    assert (again.students["persona_id"].to_numpy() == fitted.students["persona_id"].to_numpy()).all()
    assert [p.name for p in again.personas] == [p.name for p in fitted.personas]
    assert [p.size for p in again.personas] == [p.size for p in fitted.personas]


def test_next_years_cohort_keeps_the_persona_names_and_sizes_add_up(fitted):
    doc = json.loads(model_file.dumps(fitted))
    next_year = generate_school(700, 23)
    placed = analyse(table(next_year, "year2.csv"), outliers=False, choices={model_file.CHOICE_KEY: doc})
    assert [p.name for p in placed.personas] == [p.name for p in fitted.personas]
    counts = placed.students["Persona"].value_counts()
    assert [p.size for p in placed.personas] == [int(counts.get(p.name, 0)) for p in placed.personas]
    assert sum(p.size for p in placed.personas) == len(next_year)


def test_the_file_holds_no_student_row(school, fitted):
    text = model_file.dumps(fitted)
    for column in ("UPN", "Student Name"):
        assert not any(str(v) in text for v in school[column])
    assert len(text) < 20_000  # aggregates only: a few kilobytes whatever the cohort size


def test_a_file_without_the_models_themes_is_told_which(fitted, school):
    doc = json.loads(model_file.dumps(fitted))
    lacking = school.drop(columns=["Attendance %", "Behaviour Points"])
    with pytest.raises(DataError) as err:
        analyse(table(lacking, "year2.csv"), outliers=False, choices={model_file.CHOICE_KEY: doc})
    message = str(err.value)
    assert "year2.csv" in message and "attendance theme" in message and "behaviour record theme" in message
    assert "\n" not in message


@pytest.mark.parametrize("text, words", [
    ("not json", "not valid JSON"),
    ('{"format": "something else"}', "not a Cohort Atlas persona model"),
    ('{"format": "cohort-atlas-persona-model", "version": 99}', "version 99"),
    ('{"format": "cohort-atlas-persona-model", "version": 1, "themes": {}}', "damaged"),
])
def test_a_bad_model_file_gets_one_clear_line(text, words):
    with pytest.raises(DataError, match=words):
        model_file.loads(text, "bad.json")


def test_cli_writes_a_model_and_places_a_file_on_it(cli, kaggle_path, tmp_path):
    path = tmp_path / "model.json"
    first = cli("summarize", kaggle_path, "--no-risk", "--json", "--save-model", path)
    assert first.returncode == 0 and path.exists()
    again = cli("summarize", kaggle_path, "--no-risk", "--json", "--model", path)
    assert again.returncode == 0
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert [(p["name"], p["size"]) for p in a["personas"]] == [(p["name"], p["size"]) for p in b["personas"]]


def test_cli_names_the_missing_themes(cli, kaggle_path, tmp_path):
    model = tmp_path / "model.json"
    assert cli("summarize", kaggle_path, "--no-risk", "--save-model", model).returncode == 0
    frame = pd.read_csv(kaggle_path).drop(columns=["Attendance"])
    thin = tmp_path / "next.csv"
    frame.to_csv(thin, index=False)
    out = cli("summarize", thin, "--no-risk", "--model", model)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "attendance theme, from Attendance (%)" in out.stderr and "next.csv" in out.stderr


def test_cli_bad_model_file_is_one_line(cli, kaggle_path, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{]")
    out = cli("summarize", kaggle_path, "--model", bad)
    assert out.returncode == 2 and out.stderr.startswith("error: file 'bad.json'") and out.stderr.count("\n") == 1
