"""The accounts page (/accounts): a school's admin manages its accounts, shares datasets with teachers and sets the
school's switches (the AI provider, who sees special-category columns). Plain forms, no script; each admin
manages their own school only (`python app.py users ...` manages every school from the server's terminal)."""
from __future__ import annotations

from html import escape
from urllib.parse import urlparse

import flask_login
from flask import Response, abort, redirect, request

from backend.identity import ROLES

from .pages import frame

OK_ROLES = set(ROLES)


def _admin():
    account = flask_login.current_user
    if not account.is_authenticated or account.user.role != "admin":
        abort(Response(frame(request.script_root + "/", "Accounts", '<h1 class="h4">Accounts</h1><p>Only your '
                             "school's admin manages accounts.</p>"), status=403, mimetype="text/html"))
    return account.user


def _same_origin() -> None:
    """A form posted from another site is refused (the cookie is SameSite=Lax too, so browsers hold it back)."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin and urlparse(origin).netloc != request.host:
        abort(403)


def install(server, users, store, prefix: str) -> None:
    base = prefix + "accounts"

    @server.get(base)
    def admin_page():
        me = _admin()
        return Response(page(users, me, prefix, request.args.get("done")), mimetype="text/html")

    @server.post(base + "/users")
    def save_user():
        me = _admin()
        _same_origin()
        form = request.form
        role = form.get("role", "")
        password = form.get("password") or None
        if role not in OK_ROLES or (password is not None and len(password) < 8):
            return redirect(f"{base}?done=" + "A role, and a password of 8 characters or more (or none).", 303)
        found = users.get(form.get("username", "").strip())
        if found is not None and found.school != me.school:
            return redirect(f"{base}?done=That username belongs to another school.", 303)
        try:
            users.save(form.get("username", "").strip(), me.school, role, password, form.get("name", ""),
                       [c for c in form.get("classes", "").split(",") if c.strip()], form.get("email") or None)
        except ValueError as err:
            return redirect(f"{base}?done={err}", 303)
        return redirect(f"{base}?done=Saved {form.get('username', '').strip()}.", 303)

    @server.post(base + "/users/remove")
    def remove_user():
        me = _admin()
        _same_origin()
        found = users.get(request.form.get("username"))
        if found is None or found.school != me.school or found.username == me.username:
            return redirect(f"{base}?done=Not removed: not an account of your school, or your own.", 303)
        users.remove(found.username)
        return redirect(f"{base}?done=Removed {found.username}.", 303)

    @server.post(base + "/school")
    def school_settings():
        me = _admin()
        _same_origin()
        users.set_setting(me.school, "ai", "on" if request.form.get("ai") == "on" else "off")
        roles = [r for r in request.form.getlist("special") if r in OK_ROLES]
        users.set_setting(me.school, "special_roles", ",".join(roles))
        return redirect(f"{base}?done=School settings saved.", 303)

    @server.post(base + "/share")
    def share():
        me = _admin()
        _same_origin()
        found = users.get(request.form.get("username", "").strip())
        if found is None or found.school != me.school:
            return redirect(f"{base}?done=No account of that name at your school.", 303)
        dataset = request.form.get("dataset", "").strip()
        if not store.has(dataset):  # another school's answers as an unknown one
            return redirect(f"{base}?done=No dataset of your school has that id.", 303)
        users.share(store.root(dataset), found.username)
        return redirect(f"{base}?done=Shared with {found.username}.", 303)


def page(users, me, prefix: str, done: str | None) -> str:
    base = escape(prefix + "accounts")
    rows = "".join(
        f"<tr><td>{escape(u.username)}</td><td>{escape(u.role)}</td><td>{escape(u.name)}</td>"
        f"<td>{escape(', '.join(u.classes))}</td><td>{escape(u.email or '')}</td><td>"
        + ("" if u.username == me.username else
           f'<form method="post" action="{base}/users/remove"><input type="hidden" name="username" '
           f'value="{escape(u.username)}"><button class="btn btn-sm btn-outline-danger" type="submit">Remove '
           f'<span class="visually-hidden">{escape(u.username)}</span></button></form>')
        + "</td></tr>" for u in users.all() if u.school == me.school)
    ai_on = users.setting(me.school, "ai", "off") == "on"
    special = set((users.setting(me.school, "special_roles", "admin,leader") or "").split(","))
    role_options = "".join(f'<option value="{r}">{r}</option>' for r in ROLES)
    checks = "".join(
        f'<div class="form-check"><input class="form-check-input" type="checkbox" name="special" value="{r}" '
        f'id="special-{r}"{" checked" if r in special else ""}><label class="form-check-label" for="special-{r}">'
        f'{r}</label></div>' for r in ROLES)
    notice = f'<div class="alert alert-info" role="status">{escape(done)}</div>' if done else ""
    return frame(prefix, "Accounts", f"""<h1 class="h4 mb-3">Accounts of {escape(me.school)}</h1>{notice}
<table class="table table-sm"><caption>Accounts</caption><thead><tr><th scope="col">Username</th>
<th scope="col">Role</th><th scope="col">Name</th><th scope="col">Classes</th><th scope="col">Email</th>
<th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead><tbody>{rows}</tbody></table>
<h2 class="h5 mt-4">Add or change an account</h2>
<form method="post" action="{base}/users">
<div class="mb-2"><label class="form-label" for="new-username">Username</label>
<input class="form-control" id="new-username" name="username" required></div>
<div class="mb-2"><label class="form-label" for="new-role">Role</label>
<select class="form-select" id="new-role" name="role">{role_options}</select></div>
<div class="mb-2"><label class="form-label" for="new-name">Name in the file's teacher column</label>
<input class="form-control" id="new-name" name="name"></div>
<div class="mb-2"><label class="form-label" for="new-classes">Classes (forms), comma-separated</label>
<input class="form-control" id="new-classes" name="classes"></div>
<div class="mb-2"><label class="form-label" for="new-email">Email for single sign-on</label>
<input class="form-control" id="new-email" name="email" type="email"></div>
<div class="mb-2"><label class="form-label" for="new-password">Password (8 characters or more; empty keeps it)
</label><input class="form-control" id="new-password" name="password" type="password"
autocomplete="new-password"></div>
<button class="btn btn-primary" type="submit">Save account</button></form>
<h2 class="h5 mt-4">Share a dataset with a teacher</h2>
<form method="post" action="{base}/share">
<div class="mb-2"><label class="form-label" for="share-dataset">Dataset id (the address bar's dataset=)</label>
<input class="form-control" id="share-dataset" name="dataset" required></div>
<div class="mb-2"><label class="form-label" for="share-user">Teacher's username</label>
<input class="form-control" id="share-user" name="username" required></div>
<button class="btn btn-primary" type="submit">Share</button></form>
<h2 class="h5 mt-4">School settings</h2>
<form method="post" action="{base}/school">
<div class="form-check mb-2"><input class="form-check-input" type="checkbox" name="ai" value="on" id="ai"
{" checked" if ai_on else ""}><label class="form-check-label" for="ai">Send the view's aggregates (never a
row or a name) to the AI provider for insights and questions</label></div>
<fieldset class="mb-2"><legend class="form-label fs-6">Roles that see special-category columns (SEN,
ethnicity, health)</legend>{checks}</fieldset>
<button class="btn btn-primary" type="submit">Save settings</button></form>
<p class="signin-help"><a href="{escape(prefix)}">Back to the dashboard</a></p>""", wide=True)
