"""`python app.py datasets list | delete ID | purge [--days N]` and `python app.py audit export [--out FILE]`:
what an administrator does on the server's data folder (COHORT_ATLAS_CACHE) from a shell."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone

from .audit import log_for
from .erase import datasets, erase, purge, retention_days
from .identity import Identity

COMMANDS = ("datasets", "audit")
ADMIN = Identity("cli", "", "admin")  # whoever runs a shell on the server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Manage stored datasets and the audit log.")
    top = parser.add_subparsers(dest="command", required=True)
    data = top.add_parser("datasets", help="stored uploads").add_subparsers(dest="action", required=True)
    data.add_parser("list", help="every stored dataset: id, uploaded (UTC), size, owner, school, filename")
    delete = data.add_parser("delete", help="erase a dataset and everything computed from it")
    delete.add_argument("dataset_id")
    old = data.add_parser("purge", help="erase datasets nobody uploaded for the retention period")
    old.add_argument("--days", type=float, help="retention in days (default COHORT_ATLAS_RETENTION_DAYS or 365)")
    audit = top.add_parser("audit", help="the audit log").add_subparsers(dest="action", required=True)
    export = audit.add_parser("export", help="write the whole audit log as CSV")
    export.add_argument("--out", help="file to write (default: standard output)")
    return parser


def main(argv: list[str], store_factory) -> int:
    args = _parser().parse_args(argv)
    store = store_factory()
    if args.command == "audit":
        text = log_for(store.directory).to_csv()
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
        return 0
    if args.action == "list":
        for item in datasets(store):
            when = datetime.fromtimestamp(item["uploaded"], timezone.utc).strftime("%Y-%m-%d %H:%M")
            sheet = f" [sheet {item['sheet']}]" if item["sheet"] else ""
            print(f"{item['dataset_id']}  {when}  {item['size'] / 2**20:8.2f} MB  {item['owner']:<12} "
                  f"{item['school'] or '-':<12} {item['filename']}{sheet}")
        return 0
    if args.action == "delete":
        try:
            erased = erase(store, args.dataset_id, ADMIN)
        except KeyError:
            print(f"error: no dataset {args.dataset_id} on this server (see `python app.py datasets list`)",
                  file=sys.stderr)
            return 2
        print(f"erased {', '.join(erased)}")
        return 0
    days = args.days if args.days is not None else retention_days()
    erased = purge(store, days)
    print(f"retention {days:g} days: erased {len(erased)} dataset id(s)" + (f": {', '.join(erased)}" if erased else ""))
    return 0
