"""The mapping panel without a browser: what it lists, what Apply does to the analysis, bad choices, and the
choices remembered per header layout."""
import numpy as np
import pytest
import signin
from dash import no_update
from test_callbacks import text, walk
from test_mapping import mis_frame

from backend.store import DatasetStore
from callbacks import mapping, upload
from components import ids

PERSONAS = 4


@pytest.fixture
def store(tmp_path):
    return DatasetStore(str(tmp_path / "cache"))


def upload_frame(store, frame, name="mis.csv"):
    """What the upload route and callback do with a file: the dataset id shown and the status."""
    content = store.add(frame.to_csv(index=False).encode(), name)
    uploaded, status, _ = upload.analyse_upload(store, {"dataset_id": content, "filename": name}, PERSONAS)
    return uploaded["dataset_id"], status


def controls(table) -> dict:
    """The panel's controls as {type: [value per column]}, in the file's column order."""
    found: dict = {}
    for node in walk(table):
        cid = getattr(node, "id", None)
        if isinstance(cid, dict):
            found.setdefault(cid["type"], {})[cid["index"]] = getattr(node, "value", None)
    return {kind: [values[i] for i in sorted(values)] for kind, values in found.items()}


def open_panel(store, dataset_id):
    table, panel_data, title, summary = mapping.panel(store, {"dataset_id": dataset_id, "personas": PERSONAS})
    shown = controls(table)
    settings = mapping.settings_of(shown[ids.MAP_SCALE], shown[ids.MAP_LOW], shown[ids.MAP_HIGH],
                                   shown[ids.MAP_PASS], shown[ids.MAP_TARGET])
    return table, panel_data, shown[ids.MAP_ROLE], settings


def apply(store, panel_data, roles, settings, outcome="combined", reset=False):
    """What Apply does: (dataset id shown, upload status, panel message, panel open); the upload callback
    switches the dashboard to the applied choices."""
    applied, note, is_open = mapping.apply_mapping(store, panel_data, roles, settings, outcome, PERSONAS, reset)
    if applied is no_update:
        return no_update, no_update, note, is_open
    uploaded, status, _ = mapping.applied_status(store, applied, PERSONAS)
    return uploaded, status, note, is_open


def test_the_panel_lists_every_column_with_its_role_confidence_samples_and_reason(store):
    frame = mis_frame(200).assign(Notes=np.nan)
    dataset_id, _ = upload_frame(store, frame)
    table, panel_data, roles, settings = open_panel(store, dataset_id)
    assert panel_data["columns"] == list(frame.columns)
    by_column = dict(zip(frame.columns, roles))
    assert by_column["Attendance %"] == "attendance" and by_column["Maths Mock"] == "subject"
    assert by_column["UPN"] == "student_id" and by_column["Notes"] == "none"
    rows = [node for node in walk(table) if type(node).__name__ == "Tr"][1:]
    row = {text(r.children[0]): text(r) for r in rows}
    assert "name match" in row["Attendance %"]
    assert ", ".join("%g" % v for v in frame["Attendance %"].head(3)) in row["Attendance %"]
    assert "not matched" in row["Notes"] and "Every cell is blank" in row["Notes"]
    assert "GCSE 9-1" in row["Art Grade"]  # the subject's detected scale
    assert settings[list(frame.columns).index("Art Grade")]["scale"] == "gcse"


def test_leaving_attendance_out_removes_the_attendance_theme(store):
    dataset_id, _ = upload_frame(store, mis_frame(300))
    assert "Attendance" in store.analysis(dataset_id, PERSONAS).themes
    _, panel_data, roles, settings = open_panel(store, dataset_id)
    roles = ["none" if c == "Attendance %" else r for c, r in zip(panel_data["columns"], roles)]
    uploaded, status, note, is_open = apply(store, panel_data, roles, settings)
    assert note is None and is_open is False
    analysis = store.analysis(uploaded["dataset_id"], PERSONAS)
    assert "Attendance" not in analysis.themes and "attendance" not in analysis.mapping
    assert analysis.column_map.ignored["Attendance %"] == "left out in the mapping"
    assert "300 students" in text(status) and "remembered" in text(status)
    # the other columns still are what they were
    assert analysis.mapping["previous_score"] == "KS2 Scaled Score" and len(analysis.column_map.subjects) == 3


def test_making_english_the_outcome_changes_the_outcome_column(store):
    frame = mis_frame(300)
    dataset_id, _ = upload_frame(store, frame)
    assert store.analysis(dataset_id, PERSONAS).mapping["exam_score"] == "Combined score"
    _, panel_data, roles, settings = open_panel(store, dataset_id)
    uploaded, *_ = apply(store, panel_data, roles, settings, outcome="English Mock")
    analysis = store.analysis(uploaded["dataset_id"], PERSONAS)
    outcome = analysis.mapping["exam_score"]
    assert outcome == "English Mock"
    assert analysis.students[outcome].mean() == pytest.approx(frame["English Mock"].mean())
    _, again, *_ = open_panel(store, uploaded["dataset_id"])
    assert again["outcome"] == "English Mock"  # the panel reopens on the outcome chosen


def test_a_subject_scale_pass_mark_and_target_are_kept(store):
    dataset_id, _ = upload_frame(store, mis_frame(300))
    _, panel_data, roles, settings = open_panel(store, dataset_id)
    maths = panel_data["columns"].index("Maths Mock")
    settings[maths] = {"scale": "custom", "low": 0, "high": 120, "pass_mark": 48, "target": 70}
    uploaded, *_ = apply(store, panel_data, roles, settings)
    subject = store.analysis(uploaded["dataset_id"], PERSONAS).column_map.subject("Maths")
    assert (subject.scale.low, subject.scale.high, subject.pass_mark, subject.target) == (0, 120, 48, 70)


@pytest.mark.parametrize("change, words", [
    (lambda c, r, s: ("attendance" if c == "Homework Completion %" else r, s),
     "columns 'Attendance %' and 'Homework Completion %' are both set to Attendance (%)"),
    (lambda c, r, s: (r, {**s, "pass_mark": 150} if c == "Maths Mock" else s),
     "Maths: the pass mark 150 is outside its percentage (0-100) scale"),
    (lambda c, r, s: (r, {**s, "scale": "custom", "low": 50, "high": 10} if c == "Maths Mock" else s),
     "a custom scale needs max above min"),
    (lambda c, r, s: ("none", s), "none of the columns is a known student attribute"),
])
def test_a_bad_choice_says_what_is_wrong_and_keeps_the_mapping(store, change, words):
    dataset_id, _ = upload_frame(store, mis_frame(200))
    _, panel_data, roles, settings = open_panel(store, dataset_id)
    changed = [change(c, r, s) for c, r, s in zip(panel_data["columns"], roles, settings)]
    uploaded, status, note, is_open = apply(store, panel_data, [r for r, _ in changed], [s for _, s in changed])
    assert uploaded is no_update and status is no_update and is_open is True
    assert words in text(note)
    assert store.layout_choices(store.layout(dataset_id)) is None  # nothing remembered from a bad choice


def test_choices_are_remembered_for_the_next_upload_with_the_same_columns(store):
    first, _ = upload_frame(store, mis_frame(300, seed=3), "autumn.csv")
    _, panel_data, roles, settings = open_panel(store, first)
    roles = ["none" if c == "Attendance %" else r for c, r in zip(panel_data["columns"], roles)]
    apply(store, panel_data, roles, settings, outcome="English Mock")
    second, status = upload_frame(store, mis_frame(250, seed=9), "spring.csv")
    analysis = store.analysis(second, PERSONAS)
    assert analysis.filename == "spring.csv" and analysis.rows == 250
    assert "Attendance" not in analysis.themes and analysis.mapping["exam_score"] == "English Mock"
    assert "column choices for files with these columns were applied" in text(status)
    assert "Check or change columns" in text(status)
    other, status = upload_frame(store, mis_frame(250, seed=9).drop(columns=["Art Grade"]), "other.csv")
    assert "Attendance" in store.analysis(other, PERSONAS).themes and "choices" not in text(status)


def test_back_to_the_detected_columns_forgets_the_layout(store):
    dataset_id, _ = upload_frame(store, mis_frame(200))
    _, panel_data, roles, settings = open_panel(store, dataset_id)
    roles = ["none" if c == "Attendance %" else r for c, r in zip(panel_data["columns"], roles)]
    chosen, *_ = apply(store, panel_data, roles, settings)
    _, chosen_panel, roles, settings = open_panel(store, chosen["dataset_id"])
    back, status, _, _ = apply(store, chosen_panel, roles, settings, reset=True)
    assert back["dataset_id"] == dataset_id and "Attendance" in store.analysis(dataset_id, PERSONAS).themes
    assert store.layout_choices(store.layout(dataset_id)) is None and "forgotten" in text(status)


def test_every_cached_result_is_keyed_by_content_and_choices(store):
    dataset_id, _ = upload_frame(store, mis_frame(200))
    choices = {"ignore": ["Attendance %"]}
    chosen = store.with_choices(dataset_id, choices)
    assert chosen == store.with_choices(dataset_id, dict(choices)) != dataset_id  # stable, and its own id
    assert chosen.isalnum() and store.has(chosen) and store.choices(chosen) == choices
    assert store.with_choices(chosen, None) == dataset_id and store.choices(dataset_id) is None
    store.find_outliers(dataset_id, PERSONAS)
    assert store.has_result("outliers", dataset_id) and not store.has_result("outliers", chosen)
    assert store.filename(chosen) == "mis.csv"
    assert not store.has(dataset_id + "m0123456789ab")  # choices never made are no dataset


def app_of(store, dataset_id):
    import dash

    from callbacks import register_all
    from components.layout import layout

    app = dash.Dash(__name__)
    app.layout = layout(dataset_id, "/api/upload", store.max_bytes)
    register_all(app, store)
    return app


def fire(app, output: str, changed: str, values: dict):
    """The reply of the callback that writes `output` ("id.prop"), called as the page does."""
    return signin.fire(app, app.server.test_client(), output, values, changed)


def test_the_table_is_built_when_the_panel_opens_and_dropped_when_it_closes(store):
    """A page load or an upload builds no table (hundreds of controls) for a panel that is closed: only opening
    the panel does, and closing it drops the table."""
    dataset_id, _ = upload_frame(store, mis_frame(60))
    app = app_of(store, dataset_id)
    view = {"dataset_id": dataset_id, "personas": PERSONAS}
    body = f"{ids.MAPPING_BODY}.children"
    spec = next(spec for key, spec in app.callback_map.items() if body in key)
    assert [s["id"] for s in spec["inputs"]] == [ids.MAPPING_MODAL]  # a new view alone never rebuilds it

    opened = fire(app, body, f"{ids.MAPPING_MODAL}.is_open", {ids.MAPPING_MODAL: True, ids.VIEW: view})
    reply = opened.json["response"]
    roles = [n for n in walk_json(reply[ids.MAPPING_BODY]["children"]) if n.get("id", {}).get("type") == ids.MAP_ROLE]
    assert len(roles) == len(mis_frame(60).columns)
    assert reply[ids.MAPPING_COLUMNS]["data"]["columns"] == list(mis_frame(60).columns)
    assert reply[ids.MAPPING_TITLE]["children"] == "Columns of mis.csv"

    closed = fire(app, body, f"{ids.MAPPING_MODAL}.is_open", {ids.MAPPING_MODAL: False, ids.VIEW: view})
    reply = closed.json["response"]
    assert reply[ids.MAPPING_BODY]["children"] is None and reply[ids.MAPPING_COLUMNS]["data"] is None

    # the summary under the upload box still follows every view
    summary = fire(app, f"{ids.MAPPING_SUMMARY}.children", f"{ids.VIEW}.data", {ids.VIEW: view})
    assert summary.json["response"][ids.MAPPING_SUMMARY]["children"].startswith(f"{len(mis_frame(60).columns)} columns")


def test_a_new_view_closes_an_open_student_card_and_leaves_a_closed_one_alone(store):
    """On every page load the view is set: with no card open nothing is written, so the card's risk, terms and
    counsellor panels are not woken for nothing; a card open on a student of the last view is closed."""
    dataset_id, _ = upload_frame(store, mis_frame(60))
    app = app_of(store, dataset_id)
    view = {"dataset_id": dataset_id, "personas": PERSONAS}
    quiet = fire(app, f"{ids.STUDENT}.data", f"{ids.VIEW}.data",
                    {ids.VIEW: view, ids.STUDENT: None, ids.PROFILE: False})
    assert quiet.json["response"] == {}  # nothing written
    cleared = fire(app, f"{ids.STUDENT}.data", f"{ids.VIEW}.data",
                      {ids.VIEW: view, ids.STUDENT: 3, ids.PROFILE: True})
    reply = cleared.json["response"]
    assert reply[ids.STUDENT]["data"] is None and reply[ids.PROFILE]["is_open"] is False


def walk_json(node):
    """Every component (as the JSON the page receives) in a reply's children."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "props" in item:
            yield item["props"]
            stack.append(item["props"].get("children"))
