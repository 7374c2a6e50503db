"""The browser suite's own checks catch what they are meant to catch (no browser needed)."""
from browser_checks import failing, server_errors

WERKZEUG = '2026-01-01 10:00:00,000 INFO werkzeug: 127.0.0.1 - - [01/Jan/2026 10:00:00] "POST /_dash-update-component HTTP/1.1" {} -'


def test_a_5xx_or_a_traceback_in_the_server_log_is_reported():
    assert server_errors(WERKZEUG.format(200) + "\n" + WERKZEUG.format(404)) == []
    assert len(server_errors(WERKZEUG.format(500))) == 1
    crash = ["ERROR dash: callback failed", "Traceback (most recent call last):", '  File "x.py", line 1',
             "ValueError: boom"]
    found = server_errors("\n".join([WERKZEUG.format(200)] + crash))
    assert len(found) == 1 and "ValueError: boom" in found[0]


def test_console_errors_and_page_warnings_fail_but_the_browsers_own_warnings_do_not():
    assert failing({"level": "SEVERE", "source": "network", "message": "Failed to load resource: 500"})
    assert failing({"level": "WARNING", "source": "console-api", "message": "AG Grid: warning #25"})
    assert not failing({"level": "WARNING", "source": "rendering", "message": "Automatic fallback to software WebGL"})
    assert not failing({"level": "INFO", "source": "console-api", "message": "hello"})
