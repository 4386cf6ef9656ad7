"""Any OpenAI-compatible server (a self-hosted llama.cpp, vLLM or Ollama, or a hosted
one): one ``POST {base_url}/chat/completions``, to the address the webhooks' SSRF guard
checked (webhooks.targets: the same operator settings allow localhost or private
networks), with timeouts, no redirects and a capped answer. Never raises: a failure is
a message for the agent, and the text in the reply box is never touched."""

from __future__ import annotations

import json
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from webhooks.targets import TargetRefused, connection_pool, host_header, target_resolve

MAX_ANSWER_BYTES = 256 * 1024
MAX_RESULT_CHARS = 20_000


@dataclass(frozen=True)
class Answer:
    text: str
    error: str


def _timeout() -> urllib3.Timeout:
    return urllib3.Timeout(
        connect=getattr(settings, "ASSIST_CONNECT_TIMEOUT", 5.0),
        read=getattr(settings, "ASSIST_READ_TIMEOUT", 30.0),
    )


def _content(raw: bytes) -> str | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    if not isinstance(content, str) or not content.strip():
        return None
    cleaned = "".join(c for c in content if c in "\n\t" or c >= " ")
    return cleaned.strip()[:MAX_RESULT_CHARS]


def chat(*, base_url: str, model: str, api_key: str, system: str, user: str) -> Answer:
    endpoint = base_url.rstrip("/") + "/chat/completions"
    try:
        target = target_resolve(endpoint)
    except TargetRefused as exc:
        return Answer("", _("The AI server's address is refused: %(reason)s") % {"reason": exc})
    body = json.dumps(
        {
            "model": model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0.3,
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Sportello-Assist/1.0",
        "Host": host_header(target),
    }
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    pool = connection_pool(target, _timeout())
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                raw = response.read(MAX_ANSWER_BYTES)
            finally:
                response.release_conn()
    except urllib3.exceptions.TimeoutError:
        return Answer("", _("The AI server did not answer in time."))
    except (urllib3.exceptions.HTTPError, OSError):
        return Answer("", _("The AI server could not be reached."))
    if not 200 <= response.status < 300:
        message = _("The AI server answered with an error (HTTP %(code)s).")
        return Answer("", message % {"code": response.status})
    text = _content(raw)
    if text is None:
        return Answer("", _("The AI server's answer could not be read."))
    return Answer(text, "")
