"""The sign-in and sign-out pages: plain HTML (no script at all, so any Content-Security-Policy allows them),
styled by the vendored Bootstrap theme and assets/signin.css like the dashboard."""
from __future__ import annotations

import re
from html import escape

STYLES = ("assets/vendor/bootstrap-flatly.min.css", "assets/vendor/inter.css", "assets/style.css",
          "assets/signin.css")


# Hidden inputs every form on these pages carries, each made per request (a CSRF token's field, say): the
# hardening layer appends its function here, and no form needs to know.
FORM_FIELDS: list = []


def frame(prefix: str, title: str, body: str, wide: bool = False) -> str:
    extra = "".join(field() for field in FORM_FIELDS)
    if extra:
        body = re.sub(r'(<form method="post"[^>]*>)', lambda found: found.group(1) + extra, body)
    links = "".join(f'<link rel="stylesheet" href="{escape(prefix + path)}">' for path in STYLES)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)} · '
            f'Cohort Atlas</title>{links}</head><body class="signin-body">'
            f'<header class="app-navbar navbar"><div class="container"><span class="navbar-brand d-flex '
            f'align-items-center"><span class="brand-mark" aria-hidden="true">CA</span><span class="brand-name">'
            f'Cohort Atlas</span></span></div></header>'
            f'<main class="container signin-main"><div class="signin-card{" signin-wide" if wide else ""}">{body}</div></main></body></html>')


def sign_in(prefix: str, next_url: str | None, error: str | None = None, sso_label: str | None = None) -> str:
    hidden = f'<input type="hidden" name="next" value="{escape(next_url)}">' if next_url else ""
    alert = f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""
    sso = ""
    if sso_label:
        sso = (f'<p class="signin-or">or</p><a class="btn btn-outline-primary w-100" href="{escape(prefix)}login/sso'
               f'{"?next=" + escape(next_url) if next_url else ""}">Sign in with {escape(sso_label)}</a>')
    return frame(prefix, "Sign in", (
        f'<h1 class="h4 mb-3">Sign in</h1>{alert}'
        f'<form method="post" action="{escape(prefix)}login">{hidden}'
        '<div class="mb-3"><label class="form-label" for="username">Username</label>'
        '<input class="form-control" id="username" name="username" autocomplete="username" required autofocus>'
        '</div><div class="mb-3"><label class="form-label" for="password">Password</label>'
        '<input class="form-control" id="password" name="password" type="password" '
        'autocomplete="current-password" required></div>'
        '<button class="btn btn-primary w-100" type="submit">Sign in</button></form>' + sso +
        '<p class="signin-help">Pupils\' data is shown only to signed-in staff of their school. Ask your school\'s '
        'Cohort Atlas admin for an account.</p>'))


def sign_out(prefix: str) -> str:
    return frame(prefix, "Sign out", (
        '<h1 class="h4 mb-3">Sign out</h1>'
        f'<form method="post" action="{escape(prefix)}logout"><button class="btn btn-primary w-100" type="submit">'
        'Sign out of Cohort Atlas</button></form>'
        f'<p class="signin-help"><a href="{escape(prefix)}">Back to the dashboard</a></p>'))
