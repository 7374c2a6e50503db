"""Files that are not a student table, or not all of one, get one line that says what they are."""
import hashlib
import http.client
import socket
import subprocess
import sys
import threading
from pathlib import Path

import dash
import pandas as pd
import pytest
from werkzeug.serving import make_server

from analytics import DataError, analyse, read_bytes
from analytics.ingest.sniff import MAX_COLUMNS
from analytics.results import PERSONA_ID
from backend.store import DatasetStore
from callbacks import upload

ROOT = Path(__file__).resolve().parent.parent


def error_of(data: bytes, name: str = "bad.csv") -> str:
    with pytest.raises(DataError) as info:
        read_bytes(data, name)
    message = str(info.value)
    assert "\n" not in message and f"file '{name}'" in message
    return message


@pytest.fixture(scope="module")
def kaggle_head(kaggle_path):
    return pd.read_csv(kaggle_path).head(300)


def test_a_single_line_of_half_a_million_fields_is_refused_with_its_count():
    message = error_of(b",".join([b"x"] * 524_288))
    assert "524,288 columns" in message and f"{MAX_COLUMNS:,}" in message


def test_the_command_line_refuses_a_wide_file_in_one_line(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b",".join(b"c%d" % i for i in range(150_000)))
    run = subprocess.run([sys.executable, "-m", "analytics", "summarize", str(wide)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert "file 'wide.csv'" in run.stderr and "150,000 columns" in run.stderr


def test_the_column_limit_is_inclusive():
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    row = ",".join(["1"] * MAX_COLUMNS)
    assert read_bytes(f"{header}\n{row}\n".encode(), "wide.csv").frame.shape == (1, MAX_COLUMNS)
    assert f"{MAX_COLUMNS + 1:,} columns" in error_of(f"{header},x\n{row},1\n".encode())


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(kaggle_head, encoding):
    frame = kaggle_head.copy()
    frame.loc[0, "Gender"] = "Féminin"
    baseline = analyse(read_bytes(frame.to_csv(index=False, sep="\t").encode(), "unicode.txt"))
    table = read_bytes(frame.to_csv(index=False, sep="\t").encode(encoding), "unicode.txt")
    assert table.encoding == encoding
    result = analyse(table)
    assert result.students.loc[0, "Gender"] == "Féminin"
    assert (result.students[PERSONA_ID] == baseline.students[PERSONA_ID]).all()


def test_utf16_that_does_not_decode_says_utf16(kaggle_head):
    data = kaggle_head.to_csv(index=False).encode("utf-16-le")[:-1]  # an odd number of bytes
    assert "UTF-16" in error_of(data)


def test_a_stray_quote_that_merges_lines_is_named_with_its_row():
    lines = ["Name,Hours_Studied,Attendance,Exam_Score"]
    lines += [f'"Pupil {i},{i % 9 + 1},{70 + i % 30},{50 + i % 40}' for i in range(300)]
    result = analyse(read_bytes(("\n".join(lines) + "\n").encode(), "quotes.csv"))
    assert result.rows == 150
    warning = next(w for w in result.warnings if "'Name'" in w)
    assert "150 cell(s) run over more than one line, first at row 2 ('Pupil 0,1,70,50...')" in warning
    assert "300 data lines were read as 150 students" in warning and "stray quote" in warning


@pytest.mark.parametrize("text, what", [
    ('[{"Hours_Studied": 5, "Exam_Score": 70}]', "this is JSON"),
    ('{\n  "students": []\n}', "this is JSON"),
    ('<?xml version="1.0"?><students><student/></students>', "this is XML"),
    ("<students>\n<student hours='5'/>\n</students>", "this is XML"),
    ("<!DOCTYPE html><html><body>Sign in</body></html>", "this is a web page (HTML)"),
])
def test_json_xml_and_web_pages_named_csv_say_what_they_are(text, what):
    message = error_of(text.encode(), "export.csv")
    assert what in message and "not a CSV file" in message


@pytest.fixture
def served(tmp_path):
    """The upload route on a real HTTP server (1 MB limit), as gunicorn or the dev server runs it."""
    store = DatasetStore(str(tmp_path / "cache"), max_bytes=2**20)
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    upload.register(app, store)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, store
    server.shutdown()
    thread.join()


def test_a_chunked_body_over_the_limit_reports_its_real_size(served):
    port, store = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = (b"a,b\n" + b"1,2\n" * (3 * 2**18 // 2))  # 3 MB
    connection.request("POST", "/api/upload", body=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                       headers={"X-Filename": "big.csv"}, encode_chunked=True)
    reply = connection.getresponse()
    text = reply.read().decode()
    assert reply.status == 413 and f"the file is {len(body) / 2**20:.1f} MB" in text and "1 MB limit" in text


def test_a_chunked_body_within_the_limit_is_stored(served, kaggle_head):
    port, store = served
    body = kaggle_head.to_csv(index=False).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/api/upload", body=iter([body[:1000], body[1000:]]),
                       headers={"X-Filename": "class.csv"}, encode_chunked=True)
    reply = connection.getresponse()
    assert reply.status == 200
    dataset = reply.read().decode().split('"dataset_id":"')[1].split('"')[0]
    assert dataset == hashlib.sha256(body).hexdigest()[:24]  # the id is the hash of every byte sent
    assert store.analysis(dataset).rows == len(kaggle_head)


def test_a_body_shorter_than_its_content_length_is_refused(served):
    port, store = served
    sent = b"Hours_Studied,Attendance,Exam_Score\n1,80,60\n2,90,70\n"
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(b"POST /api/upload HTTP/1.1\r\nHost: x\r\nX-Filename: cut.csv\r\n"
                     b"Content-Length: 100000\r\nConnection: close\r\n\r\n" + sent)
        sock.shutdown(socket.SHUT_WR)
        answer = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
    assert answer.startswith("HTTP/1.1 400")
    assert f"file 'cut.csv': the upload was cut short: {len(sent)} of its 100,000 bytes arrived" in answer
    assert "dataset_id" not in answer


def test_a_header_starting_with_a_bracket_is_still_a_csv():
    table = read_bytes(b"[Year] Group,Hours_Studied,Exam_Score\n10B,5,70\n10C,7,64\n", "brackets.csv")
    assert table.frame["[Year] Group"].astype(str).tolist() == ["10B", "10C"]
