"""A small, real OpenID Connect provider for tests, served over HTTP from a thread:
discovery, an authorization page (a "Continue as …" button), the token endpoint (code
bound to its client, redirect URI and PKCE challenge, spent once) and the JWKS. ID tokens
are signed RS256 by joserfc with a throwaway key. Knobs let a test make it lie (another
issuer or audience in the token, another nonce) as a hostile or broken provider would."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


@dataclass
class LocalOidcProvider:
    client_id: str = "sportello-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    email: str = "sam@acme.example"
    name: str = "Sam Single"
    email_verified: bool = True
    # A hostile or broken provider: set to change what the ID token says.
    token_issuer: str | None = None
    token_audience: str | None = None
    token_nonce: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict = field(default_factory=dict)
    token_requests: int = 0

    def __post_init__(self) -> None:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status, body, content_type="application/json", headers=None):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, json.dumps(provider.discovery()))
                elif url.path == "/jwks":
                    self._send(200, json.dumps(KeySet([provider.key]).as_dict(private=False)))
                elif url.path == "/authorize":
                    self._send(*provider.authorize_page(query))
                else:
                    self._send(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/authorize":
                    location = provider.approve(form)
                    self._send(302, "", "text/plain", {"Location": location})
                elif self.path == "/token":
                    self._send(*provider.token(form))
                else:
                    self._send(404, "{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalOidcProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize_page(self, query: dict) -> tuple[int, str, str]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, "unknown client", "text/plain"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, "PKCE required", "text/plain"
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
        )
        page = (
            '<!doctype html><html lang="en"><head><title>Local identity provider</title></head>'
            f"<body><main><h1>Local identity provider</h1><p>Signed in as {html.escape(self.email)}"
            f'</p><form method="post" action="/authorize">{hidden}'
            f'<button type="submit">Continue as {html.escape(self.name)}</button></form>'
            "</main></body></html>"
        )
        return 200, page, "text/html; charset=utf-8"

    def approve(self, params: dict) -> str:
        """The person pressed Continue: a code for the client, back to its redirect URI."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        query = urlencode({"code": code, "state": params.get("state", "")})
        return f"{params['redirect_uri']}?{query}"

    def token(self, form: dict) -> tuple[int, str]:
        self.token_requests += 1
        asked = self.codes.pop(form.get("code", ""), None)  # spent once
        if asked is None:
            return 400, json.dumps({"error": "invalid_grant"})
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return 401, json.dumps({"error": "invalid_client"})
        if form.get("redirect_uri") != asked["redirect_uri"]:
            return 400, json.dumps({"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != asked.get("code_challenge"):
            return 400, json.dumps({"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        claims = {
            "iss": self.token_issuer or self.issuer,
            "aud": self.token_audience or self.client_id,
            "sub": hashlib.sha256(self.email.encode()).hexdigest()[:16],
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "nonce": self.token_nonce or asked.get("nonce", ""),
            "iat": now,
            "exp": now + 300,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        body = {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
        return 200, json.dumps(body)
