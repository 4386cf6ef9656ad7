"""Writing help's fixtures: a local OpenAI-compatible server (a real HTTP server on a
port) and the account set to use it."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assist import services


class FakeLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible server: answers per the test's mode."""

    mode = "ok"
    content = "Dear customer, thank you."
    seen: list = []
    # "hang": the server holds the answer until the test lets it go.
    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length))
        FakeLLM.seen.append((self.path, self.headers.get("Authorization"), payload))
        if FakeLLM.mode == "slow":
            time.sleep(2)
        if FakeLLM.mode == "hang":
            FakeLLM.arrived.set()
            FakeLLM.release.wait(10)
        if FakeLLM.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        body = (
            b"not json at all"
            if FakeLLM.mode == "garbage"
            else json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": FakeLLM.content}}]}
            ).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def llm(settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST = True
    settings.ASSIST_READ_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeLLM.mode, FakeLLM.seen = "ok", []
    FakeLLM.content = "Dear customer, thank you."
    FakeLLM.arrived.clear()
    FakeLLM.release.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    FakeLLM.release.set()
    server.shutdown()


def use_server(acme, url, **kwargs):
    services.settings_update(
        account=acme, provider="openai", base_url=url, model="llama-3", api_key="sk-test", **kwargs
    )
