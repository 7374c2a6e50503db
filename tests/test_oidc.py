"""Single sign-on through OpenID Connect against a local provider (tests/oidc_provider.py): an allowed, verified
address signs in as a teacher of its domain's school; other domains, unverified addresses and forged answers do
not. Nothing leaves this machine."""
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from oidc_provider import Provider
from signin import signed_in_app

from backend.auth import access


@pytest.fixture(scope="module")
def provider():
    with Provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory, kaggle_path, provider):
    env = {"COHORT_ATLAS_OIDC_METADATA_URL": provider.metadata_url, "COHORT_ATLAS_OIDC_CLIENT_ID": "atlas",
           "COHORT_ATLAS_OIDC_CLIENT_SECRET": "s3cret", "COHORT_ATLAS_OIDC_LABEL": "Google",
           "COHORT_ATLAS_OIDC_DOMAINS": "school-a.sch.uk=School A,school-b.org=School B",
           "COHORT_ATLAS_ADMIN": "head:a long password"}
    with signed_in_app(tmp_path_factory.mktemp("sso"), default_data=str(kaggle_path), **env) as (app, _):
        yield app


def sign_on(app, provider, claims: dict):
    """The browser's round trip: the app sends it to the provider, which sends it back with a code."""
    provider.claims = claims
    client = app.server.test_client()
    start = client.get("/login/sso?next=/%3Fdataset%3Dabc")
    assert start.status_code == 302 and start.headers["Location"].startswith(provider.issuer + "/authorize")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlparse(back.headers["Location"])
    assert callback.path == "/login/sso/callback" and parse_qs(callback.query)["state"]
    return client, client.get(f"{callback.path}?{callback.query}")


def test_the_sign_in_page_offers_single_sign_on(sso_app):
    page = sso_app.server.test_client().get("/login").get_data(as_text=True)
    assert 'href="/login/sso"' in page and "Sign in with Google" in page


def test_an_allowed_verified_address_signs_in_to_its_school(sso_app, provider):
    client, done = sign_on(sso_app, provider, {"email": "J.Smith@school-a.sch.uk", "email_verified": True})
    assert done.status_code == 303 and done.headers["Location"] == "/?dataset=abc"
    assert client.get("/_dash-layout").status_code == 200
    user = access._users.by_email("j.smith@school-a.sch.uk")
    assert (user.school, user.role) == ("School A", "teacher")
    # signing on again finds the same account, not a second one
    sign_on(sso_app, provider, {"email": "j.smith@school-a.sch.uk", "email_verified": True})
    assert sum(u.email == "j.smith@school-a.sch.uk" for u in access._users.all()) == 1


@pytest.mark.parametrize("claims, reason", [
    ({"email": "someone@gmail.com", "email_verified": True}, "is not an address of a school on this server"),
    ({"email": "x@school-b.org", "email_verified": False}, "has not verified x@school-b.org"),
])
def test_other_domains_and_unverified_addresses_are_refused(sso_app, provider, claims, reason):
    client, done = sign_on(sso_app, provider, claims)
    assert done.status_code == 403 and reason in done.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_a_forged_callback_signs_nobody_in(sso_app, provider):
    client = sso_app.server.test_client()
    client.get("/login/sso")
    forged = client.get("/login/sso/callback?code=made-up&state=made-up")
    assert forged.status_code == 403 and "could not be checked" in forged.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_an_id_token_not_signed_by_the_provider_is_refused(sso_app, provider):
    from joserfc.jwk import RSAKey
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    try:
        client, done = sign_on(sso_app, provider, {"email": "mallory@school-a.sch.uk", "email_verified": True})
    finally:
        provider.signing_key = provider.key
    assert done.status_code == 403 and client.get("/_dash-layout").status_code == 401
    assert access._users.by_email("mallory@school-a.sch.uk") is None
