"""The report as a PDF, printed by headless Chromium from the HTML file (its @page rules give A4).

Chromium loads the file with the network switched off (an unreachable proxy), so printing can never fetch
anything; the HTML is self-contained and needs nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from analytics.errors import DataError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60


def chromium() -> str | None:
    """The browser to print with: COHORT_ATLAS_CHROMIUM, else the first on the PATH, else None."""
    chosen = os.environ.get("COHORT_ATLAS_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def require() -> str:
    """The browser, or a one-line DataError saying how to get one."""
    browser = chromium()
    if browser is None:
        raise DataError("cannot write the PDF: no Chromium found (install chromium, or set COHORT_ATLAS_CHROMIUM "
                        "to a Chrome or Chromium executable); the HTML report opens and prints in any browser")
    return browser


def html_to_pdf(html_path: str, pdf_path: str) -> None:
    """Print `html_path` to `pdf_path`. DataError (one line) when no Chromium is installed or printing fails."""
    browser = require()
    with tempfile.TemporaryDirectory(prefix="cohort-atlas-pdf-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
                   "--no-first-run", "--disable-background-networking", "--proxy-server=127.0.0.1:9",
                   "--proxy-bypass-list=<-loopback>", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   "--run-all-compositor-stages-before-draw", f"--print-to-pdf={os.path.abspath(pdf_path)}",
                   "file://" + os.path.abspath(html_path)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise DataError(f"cannot write the PDF: Chromium did not finish within {TIMEOUT} s") from None
        except OSError as err:
            raise DataError(f"cannot write the PDF: Chromium could not start ({err.strerror})") from None
    if done.returncode != 0 or not os.path.exists(pdf_path) or os.path.getsize(pdf_path) == 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise DataError(f"cannot write the PDF: Chromium failed ({last[:200]})")


def pdf_bytes(html: str) -> bytes:
    """The PDF of an HTML document held in memory."""
    with tempfile.TemporaryDirectory(prefix="cohort-atlas-report-") as folder:
        page, out = os.path.join(folder, "report.html"), os.path.join(folder, "report.pdf")
        with open(page, "w", encoding="utf-8") as fh:
            fh.write(html)
        html_to_pdf(page, out)
        with open(out, "rb") as fh:
            return fh.read()
