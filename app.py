"""Cohort Atlas: the Dash app factory. `python app.py [--data FILE] [--port N] [--host H]`; gunicorn serves
`wsgi:server`. Importing this module builds nothing and starts nothing: `create_app` does."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import threading

# Two cores are shared by web workers and background jobs: an interactive callback that fans out to every
# core slows everything else down, so numeric libraries get one thread unless the operator says otherwise.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dash  # noqa: E402
from dash import html  # noqa: E402

from analytics import DataError  # noqa: E402
from analytics.defaults import PERSONAS  # noqa: E402
from analytics.ingest.generate import generate_students  # noqa: E402
from analytics.ingest.terms_gen import generate_terms  # noqa: E402
from backend import cli, erase, jobs, map_worker, ratelimit, security  # noqa: E402
from backend.auth import cli as auth_cli, pages as auth_pages, setup as auth  # noqa: E402
from backend.map_worker.paths import default_cache_dir  # noqa: E402
from backend.store import DatasetStore  # noqa: E402
from callbacks import register_all  # noqa: E402
from callbacks.upload import ROUTE  # noqa: E402
from components import ids  # noqa: E402
from components.layout import full_layout, layout  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_ROWS, DEMO_SEED = 2000, 7
DEMO_NAME = "demo-cohort-synthetic.csv"
# The demo school: an MIS-style export (UPN, forms, FSM/SEN/EAL, KS2, four subjects) that shows every feature.
SCHOOL_ROWS, SCHOOL_SEED = 1000, 11
SCHOOL_NAME = "demo-school-synthetic.csv"
# the school demo's three terms, linked by UPN (the first is the school above): the Over time section has data
TERM_NAMES = (SCHOOL_NAME, "demo-school-synthetic-spring.csv", "demo-school-synthetic-summer.csv")
DEMOS = ("school", "cohort")  # cohort: the 20-column "Student Performance Factors" layout
VENDOR_CSS = ["bootstrap-flatly.min.css", "bootstrap-icons.min.css", "inter.css"]

log = logging.getLogger("cohort_atlas")


def cache_dir() -> str:
    return default_cache_dir()  # COHORT_ATLAS_CACHE, or .cache in the project


def demo() -> str:
    """Which demo opens when no file is named: COHORT_ATLAS_DEMO (school or cohort), the school by default."""
    wanted = os.environ.get("COHORT_ATLAS_DEMO", "school").strip().lower()
    return wanted if wanted in DEMOS else "school"


def add_default(store: DatasetStore, path: str | None) -> str:
    """Store the starting dataset: the given file, or a seeded demo so the page is never empty."""
    if path:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            raise DataError(f"cannot open it ({err.strerror})", file=path) from None
        return store.add(data, os.path.basename(path))
    if demo() == "school":
        terms = generate_terms(SCHOOL_ROWS, len(TERM_NAMES), seed=SCHOOL_SEED)
        members = [store.add(frame.to_csv(index=False).encode(), name) for frame, name in zip(terms, TERM_NAMES)]
        store.save_terms(members)
        return members[0]
    return store.add(generate_students(DEMO_ROWS, seed=DEMO_SEED).to_csv(index=False).encode(), DEMO_NAME)


def create_app(store: DatasetStore | None = None, default_data: str | None = None, start: bool = True,
               sign_in: bool | None = None) -> dash.Dash:
    """The dashboard on `store` (a DatasetStore on the cache directory by default), opening `default_data` or
    COHORT_ATLAS_DATA (the seeded demo cohort without either). `start` also starts the map worker and warms
    the first view in a thread, as a server wants; tests and tools that only inspect the app pass False.
    `sign_in` (on for every server, that is with `start`) puts everything behind sign-in (backend/auth)."""
    store = store or DatasetStore(cache_dir())  # size limit from COHORT_ATLAS_MAX_MB (default 50 MB)
    default_id = add_default(store, default_data or os.environ.get("COHORT_ATLAS_DATA") or None)
    app = dash.Dash(__name__, title="Cohort Atlas", assets_folder=os.path.join(HERE, "assets"),
                    assets_path_ignore=["vendor"], update_title=None,
                    background_callback_manager=jobs.background_manager(store.directory),
                    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    # Vendored CSS (no CDN: the app must work offline) loads before assets/style.css, which overrides it.
    app.config.external_stylesheets = [app.get_asset_url(f"vendor/{name}") for name in VENDOR_CSS]
    upload_url = app.config.requests_pathname_prefix + ROUTE
    prefix = app.config.requests_pathname_prefix
    app.layout = layout(default_id, upload_url, store.max_bytes, prefix)  # the shell; the open tab goes in it
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    # Dash checks every callback against the shell with every tab in it, and the profile card's what-if result,
    # which exists only once a card with sliders is drawn.
    app.validation_layout = html.Div([full_layout(default_id, upload_url, store.max_bytes, prefix),
                                      html.Div(id=ids.STUDENT_WHATIF)])
    register_all(app, store)
    if sign_in or (sign_in is None and start):
        auth.install(app, store)
        if security.form_field not in auth_pages.FORM_FIELDS:  # the sign-in, sign-out and accounts forms
            auth_pages.FORM_FIELDS.append(security.form_field)
    security.install(app, store.directory, app.config.routes_pathname_prefix + ROUTE)  # after every callback
    ratelimit.install(app.server, "upload_file")  # after the cross-site check: forged uploads count for nobody
    if not start:
        return app
    erase.keep_purging(store)  # retention: now, then daily
    if map_worker.enabled() and not jobs.use_celery():  # Celery workers warm UMAP up themselves
        map_worker.supervise(store.directory)  # the ~40 s UMAP compile starts now, not on the first map
    # Warm the first view in the background so the first visitor does not wait for K-Means.
    threading.Thread(target=_warm, args=(store, default_id), daemon=True).start()
    return app


def _warm(store: DatasetStore, dataset_id: str) -> None:
    try:
        store.analysis(dataset_id, PERSONAS)
        if store.term_set(dataset_id):  # the demo's terms: linked before the first visitor scrolls to them
            store.track_terms(store.term_set(dataset_id), PERSONAS)
    except Exception:  # the dashboard shows the same error to the user; here it is only logged
        log.exception("analysing the default dataset failed")


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the Cohort Atlas dashboard.")
    parser.add_argument("--data", help="CSV file shown first (default: a seeded demo)")
    parser.add_argument("--demo", choices=DEMOS, help="the demo shown without --data: the MIS-style school "
                        "(default) or the 20-column cohort (also COHORT_ATLAS_DEMO)")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in auth_cli.COMMANDS:  # python app.py users add NAME ... / school NAME --ai on
        return auth_cli.main(argv, cache_dir())
    if argv and argv[0] in cli.COMMANDS:  # datasets list|delete|purge, audit export
        return cli.main(argv, lambda: DatasetStore(cache_dir()))
    args = _args(argv)
    if args.demo:
        os.environ["COHORT_ATLAS_DEMO"] = args.demo
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    auth.ANNOUNCE[0] = lambda path: None  # printed below with the address it is served at
    store = DatasetStore(cache_dir())
    try:
        if args.data:  # a file named on the command line should fail here, with its one-line reason
            store.analysis(add_default(store, args.data), PERSONAS)
        application = create_app(store, default_data=args.data)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    auth.print_link(f"http://{args.host}:{args.port}")
    application.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
