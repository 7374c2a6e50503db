"""Single sign-on through OpenID Connect (Authlib): Google Workspace, Microsoft 365 or any provider with a
discovery document, configured by environment variables (README, "Signing in"):

    COHORT_ATLAS_OIDC_METADATA_URL   the provider's /.well-known/openid-configuration
    COHORT_ATLAS_OIDC_CLIENT_ID, COHORT_ATLAS_OIDC_CLIENT_SECRET
    COHORT_ATLAS_OIDC_DOMAINS        allowed email domains and their schools: "a.sch.uk=School A,b.org=School B"
    COHORT_ATLAS_OIDC_ROLE           the role of someone's first sign-on (teacher unless set)
    COHORT_ATLAS_OIDC_LABEL          the button's words ("Sign in with Google"), COHORT_ATLAS_OIDC_REDIRECT_URL

A person signs on with a verified email of an allowed domain: the account with that email, or a new one of the
domain's school. Everyone else is refused with a sentence saying why."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import Response, redirect, request, session

from . import pages
from .web import safe_next, sign_in

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    metadata_url: str
    client_id: str
    client_secret: str
    domains: dict  # email domain -> school
    role: str = "teacher"
    label: str = "single sign-on"
    redirect_url: str | None = None


def settings() -> Settings | None:
    """The single sign-on settings, or None when it is not configured."""
    env = os.environ.get
    url, client = env("COHORT_ATLAS_OIDC_METADATA_URL"), env("COHORT_ATLAS_OIDC_CLIENT_ID")
    if not url or not client:
        return None
    domains = {}
    for pair in (env("COHORT_ATLAS_OIDC_DOMAINS") or "").split(","):
        domain, _, school = pair.partition("=")
        if domain.strip():
            domains[domain.strip().lower().lstrip("@")] = (school or domain).strip()
    return Settings(url, client, env("COHORT_ATLAS_OIDC_CLIENT_SECRET", ""), domains,
                    env("COHORT_ATLAS_OIDC_ROLE") or "teacher", env("COHORT_ATLAS_OIDC_LABEL") or "single sign-on",
                    env("COHORT_ATLAS_OIDC_REDIRECT_URL"))


def who_from(claims: dict, config: Settings) -> tuple[str | None, str | None]:
    """(email, school) of a verified address of an allowed domain, or (None, why not)."""
    email = (claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    if "@" not in email:
        return None, "your provider did not share an email address"
    if claims.get("email_verified") is False:
        return None, f"your provider has not verified {email}"
    school = config.domains.get(email.rsplit("@", 1)[1])
    if school is None:
        return None, f"{email} is not an address of a school on this server"
    return email, school


def install(server, users, prefix: str, config: Settings) -> None:
    oauth = OAuth(server)
    oauth.register("school", server_metadata_url=config.metadata_url, client_id=config.client_id,
                   client_secret=config.client_secret, client_kwargs={"scope": "openid email profile"})

    def refused(reason: str) -> Response:
        return Response(pages.sign_in(prefix, None, f"Single sign-on did not sign you in: {reason}.",
                                      config.label), status=403, mimetype="text/html")

    @server.get(prefix + "login/sso")
    def sso_start():
        session["sso_next"] = safe_next(request.args.get("next"), prefix)
        target = config.redirect_url or request.host_url.rstrip("/") + prefix + "login/sso/callback"
        return oauth.school.authorize_redirect(target)

    @server.get(prefix + "login/sso/callback")
    def sso_done():
        try:
            token = oauth.school.authorize_access_token()
        except Exception as err:  # a forged or stale state, a refused code, a bad signature: one line, no trace
            log.warning("single sign-on failed: %s", err)
            return refused("the provider's answer could not be checked; try again")
        email, school = who_from(token.get("userinfo") or {}, config)
        if email is None:
            return refused(school)
        user = users.by_email(email)
        if user is None:
            user = users.save(email, school, config.role, email=email)
        elif user.school != school:
            return refused(f"{email} belongs to another school's account")
        next_url = session.pop("sso_next", prefix)
        sign_in(user, "single sign-on")
        return redirect(next_url, 303)
