"""A small, real OpenID Connect provider on 127.0.0.1, for signing in to the app in a real browser.

It does what Streamlit's ``st.login`` needs of Google or Okta: discovery, an authorization page (a form
that asks who you are, standing in for the provider's own sign-in), the code exchange (with PKCE when the
client sends it) and RS256-signed ID tokens, with their key set. Only the tests use it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "counterpart-test"
CLIENT_SECRET = "test-secret-not-a-real-one"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def secrets_toml(self, cookie_secret: str = "a-cookie-secret-for-the-tests-only") -> str:
        """The [auth] section a deployment puts in .streamlit/secrets.toml for this provider."""
        return (
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{cookie_secret}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.url}/.well-known/openid-configuration"\n'
        )

    def _id_token(self, who: str, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": f"user-{who}",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 3600,
            "email": f"{who}@example.com",
            "email_verified": True,
            "name": who.title(),
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: str, kind: str = "application/json", headers=None) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(
                        200,
                        json.dumps(
                            {
                                "issuer": provider.url,
                                "authorization_endpoint": f"{provider.url}/authorize",
                                "token_endpoint": f"{provider.url}/token",
                                "jwks_uri": f"{provider.url}/jwks",
                                "response_types_supported": ["code"],
                                "subject_types_supported": ["public"],
                                "id_token_signing_alg_values_supported": ["RS256"],
                                "code_challenge_methods_supported": ["S256"],
                                "scopes_supported": ["openid", "email", "profile"],
                            }
                        ),
                    )
                elif url.path == "/jwks":
                    self._send(200, json.dumps({"keys": [provider.key.as_dict(private=False)]}))
                elif url.path == "/authorize":
                    fields = "".join(
                        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                        for k, v in query.items()
                    )
                    page = (
                        "<html><body><h1>Test provider: sign in</h1><form method='post' action='/authorize'>"
                        f"{fields}<label>Who are you? <input name='who' aria-label='Who are you?'></label>"
                        "<button type='submit'>Sign in</button></form></body></html>"
                    )
                    self._send(200, page, "text/html")
                else:
                    self._send(404, "{}")

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

            def do_POST(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                form = self._form()
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "who": form["who"].strip().lower(),
                        "nonce": form.get("nonce"),
                        "redirect_uri": form["redirect_uri"],
                        "challenge": form.get("code_challenge"),
                    }
                    back = (
                        f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form.get('state', '')})}"
                    )
                    self._send(302, "", "text/plain", {"Location": back})
                elif url.path == "/token":
                    grant = provider.codes.pop(form.get("code", ""), None)
                    if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                        self._send(400, json.dumps({"error": "invalid_grant"}))
                        return
                    if grant["challenge"]:
                        verifier = form.get("code_verifier", "")
                        digest = hashlib.sha256(verifier.encode()).digest()
                        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                            self._send(
                                400, json.dumps({"error": "invalid_grant", "error_description": "pkce"})
                            )
                            return
                    token = {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "id_token": provider._id_token(grant["who"], grant["nonce"]),
                    }
                    self._send(200, json.dumps(token))
                else:
                    self._send(404, "{}")

        return Handler
