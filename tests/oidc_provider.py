"""A small OpenID Connect provider for the single sign-on tests: discovery, JWKS, an authorize endpoint that
signs in whoever the test names, and a token endpoint that returns an RS256-signed id_token. Local only."""
from __future__ import annotations

import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, client_id: str = "atlas", client_secret: str = "s3cret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.signing_key = self.key  # a test swaps in another key to forge a token
        self.claims = {"email": "teacher@school-a.sch.uk", "email_verified": True}  # who signs in next
        self.codes: dict[str, dict] = {}
        self.app = self._app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Provider":
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def _app(self) -> Flask:
        app = Flask("oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({"issuer": self.issuer, "authorization_endpoint": self.issuer + "/authorize",
                            "token_endpoint": self.issuer + "/token", "jwks_uri": self.issuer + "/jwks",
                            "response_types_supported": ["code"], "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            if request.args.get("client_id") != self.client_id:
                return "unknown client", 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": request.args.get("nonce"), "claims": dict(self.claims)}
            query = urlencode({"code": code, "state": request.args.get("state", "")})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            auth = request.authorization
            client = (auth.username, auth.password) if auth else (request.form.get("client_id"),
                                                                  request.form.get("client_secret"))
            found = self.codes.pop(request.form.get("code", ""), None)
            if client != (self.client_id, self.client_secret) or found is None:
                return jsonify({"error": "invalid_grant"}), 400
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": self.client_id, "sub": found["claims"]["email"], "iat": now,
                      "exp": now + 300, "nonce": found["nonce"], **found["claims"]}
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.signing_key)
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        return app
