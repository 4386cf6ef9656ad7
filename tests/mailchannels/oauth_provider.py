"""A small, real OAuth2 provider standing in for Microsoft's or Google's, served over HTTP
from a thread: the consent page (authorize), the token endpoint (authorization code bound
to its client, redirect URI and PKCE challenge, spent once; refresh tokens) and an
introspection endpoint for Dovecot's oauth2 passdb (is this access token live, whose
mailbox is it). ``revoke()`` withdraws every grant, as an admin removing the app's
consent would; ``expire_access()`` makes every access token dead at once."""

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


@dataclass
class LocalOAuthProvider:
    client_id: str = "sportello-mail"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    email: str = "support@acme.example"  # the mailbox whose owner consents
    lifetime: int = 3600
    codes: dict = field(default_factory=dict)
    refresh_tokens: dict = field(default_factory=dict)  # token -> email
    access_tokens: dict = field(default_factory=dict)  # token -> (email, expires)
    grants: list = field(default_factory=list)  # grant_type of each token request
    introspections: int = 0

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
                if url.path == "/authorize":
                    self._send(*provider.authorize_page(query))
                else:
                    self._send(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/authorize":
                    self._send(302, "", "text/plain", {"Location": provider.approve(form)})
                elif self.path == "/token":
                    self._send(*provider.token(form))
                elif self.path == "/introspect":
                    self._send(*provider.introspect(form))
                else:
                    self._send(404, "{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalOAuthProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, scope: str = "https://mail.example/imap offline_access") -> dict:
        """One provider's entry of settings.MAILBOX_OAUTH pointing here."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "authorize_url": f"{self.url}/authorize",
            "token_url": f"{self.url}/token",
            "scope": scope,
            "imap_host": "127.0.0.1",
            "imap_port": 993,
            "extra": {},
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
            '<!doctype html><html lang="en"><head><title>Local mail provider</title></head>'
            f"<body><main><h1>Allow Sportello to read {html.escape(self.email)}?</h1>"
            f'<form method="post" action="/authorize">{hidden}'
            '<button type="submit">Accept</button></form></main></body></html>'
        )
        return 200, page, "text/html; charset=utf-8"

    def approve(self, params: dict) -> str:
        """The mailbox owner pressed Accept: a code, back to the client's redirect URI."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        return f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}"

    def _issue(self, email: str, refresh: str = "") -> dict:
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = (email, time.time() + self.lifetime)
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": self.lifetime}
        if not refresh:
            refresh = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh] = email
            answer["refresh_token"] = refresh
        return answer

    def token(self, form: dict) -> tuple[int, str]:
        self.grants.append(form.get("grant_type", ""))
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return 401, json.dumps({"error": "invalid_client"})
        if form.get("grant_type") == "refresh_token":
            email = self.refresh_tokens.get(form.get("refresh_token", ""))
            if email is None:
                return 400, json.dumps({"error": "invalid_grant"})
            return 200, json.dumps(self._issue(email, refresh=form["refresh_token"]))
        asked = self.codes.pop(form.get("code", ""), None)  # spent once
        if asked is None or form.get("redirect_uri") != asked["redirect_uri"]:
            return 400, json.dumps({"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != asked.get("code_challenge"):
            return 400, json.dumps({"error": "invalid_grant", "error_description": "PKCE"})
        return 200, json.dumps(self._issue(self.email))

    def introspect(self, form: dict) -> tuple[int, str]:
        self.introspections += 1
        email, expires = self.access_tokens.get(form.get("token", ""), ("", 0.0))
        if not email or expires < time.time():
            return 200, json.dumps({"active": "false"})
        return 200, json.dumps({"active": "true", "email": email})

    def revoke(self) -> None:
        self.refresh_tokens.clear()
        self.access_tokens.clear()

    def expire_access(self) -> None:
        self.access_tokens.clear()
