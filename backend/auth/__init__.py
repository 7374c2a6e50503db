"""Sign-in: local accounts and single sign-on, sessions, the sign-in gate, who may read which dataset.

`install(app, store)` (backend/auth/setup.py) turns it on for a Dash app; until then the app serves one local user
(backend/identity.py). The modules: users.py (accounts, shares and school settings in SQLite), web.py (the sign-in
page, sessions and the gate), oidc.py (OpenID Connect), access.py (ownership and read rules, no Flask), cli.py
(`python app.py users ...`)."""
