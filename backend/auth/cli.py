"""`python app.py users ...` and `python app.py school ...`: accounts, shares and school settings from the
terminal, on the same SQLite file the server reads (no restart needed)."""
from __future__ import annotations

import argparse
import sys

from backend.identity import ROLES

from .users import Users, data_dir

COMMANDS = ("users", "school")
SWITCH = ("on", "off")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python app.py", description="Manage Cohort Atlas accounts and schools.")
    commands = top.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="accounts").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add or update an account")
    add.add_argument("username")
    add.add_argument("--school", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--name", default="", help="a teacher's name as the file's teacher column has it")
    add.add_argument("--classes", default="", help="a teacher's forms/classes, comma-separated (10A,10B)")
    add.add_argument("--email", help="the address single sign-on gives this person")
    users.add_parser("list", help="list accounts")
    remove = users.add_parser("remove", help="remove an account")
    remove.add_argument("username")
    share = users.add_parser("share", help="share a dataset (its id, from the address bar) with a teacher")
    share.add_argument("dataset")
    share.add_argument("username")
    school = commands.add_parser("school", help="a school's settings")
    school.add_argument("name")
    school.add_argument("--ai", choices=SWITCH, help="send aggregates to the AI provider (Gemini): off by default")
    school.add_argument("--special-roles", help="roles that see ethnicity/SEN/health columns (admin,leader)")
    return top


def main(argv: list[str], cache_dir: str) -> int:
    stdin, out = sys.stdin, sys.stdout
    args = parser().parse_args(argv)
    users = Users(data_dir(cache_dir))
    if args.command == "school":
        if args.ai:
            users.set_setting(args.name, "ai", args.ai)
        if args.special_roles is not None:
            roles = [r.strip() for r in args.special_roles.split(",") if r.strip()]
            bad = [r for r in roles if r not in ROLES]
            if bad:
                print(f"error: --special-roles: {', '.join(bad)} is no role (use {', '.join(ROLES)})", file=sys.stderr)
                return 2
            users.set_setting(args.name, "special_roles", ",".join(roles))
        print(f"{args.name}: AI provider {users.setting(args.name, 'ai', 'off')}; special-category columns shown "
              f"to {users.setting(args.name, 'special_roles', 'admin,leader')}", file=out)
        return 0
    if args.action == "list":
        for user in users.all():
            print(f"{user.username}\t{user.school}\t{user.role}\t{user.name}\t{','.join(user.classes)}", file=out)
        return 0
    if args.action == "remove":
        return 0 if users.remove(args.username) else _fail(f"no account {args.username!r}")
    if args.action == "share":
        user = users.get(args.username)
        if user is None:
            return _fail(f"no account {args.username!r}")
        from backend.store import DatasetStore
        root = DatasetStore(cache_dir).root(args.dataset)  # a sheet or a set of column choices shares its file
        users.share(root, args.username)
        print(f"shared {args.dataset} with {args.username}", file=out)
        return 0
    password = stdin.readline().rstrip("\r\n") if args.password_stdin else None
    if args.password_stdin and len(password) < 8:
        return _fail("the password must have at least 8 characters")
    try:
        user = users.save(args.username, args.school, args.role, password, args.name,
                          [c for c in args.classes.split(",") if c.strip()], args.email)
    except ValueError as err:
        return _fail(str(err))
    print(f"{user.username}: {user.role} at {user.school}", file=out)
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
