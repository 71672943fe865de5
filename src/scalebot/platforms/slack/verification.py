"""The gate in front of Bolt: verify the signature, then refuse bodies Bolt cannot read."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
# Where Slack's response URLs live (commercial and GovSlack).
SLACK_RESPONSE_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
UNVERIFIED = {"error": "invalid request"}
# Set in a Bolt context once the request passed the signature and our admission checks.
VERIFIED = "scalebot_verified"


def verified(verifier: SignatureVerifier, request: web.Request, body: str) -> bool:
    """Tell whether the request carries a valid, fresh Slack signature for this body."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
        return False
    return verifier.is_valid(body, timestamp, signature)


def body_problem(body: str, content_type: str) -> str | None:
    """What is wrong with a verified body, in one line, or None when Bolt can read it."""
    try:
        parsed = _parse(body, content_type)
    except ValueError:
        return "the request body is not valid JSON"
    if not isinstance(parsed, dict):
        return "the request body must be a JSON object"
    return None


def _parse(body: str, content_type: str) -> Any:
    """Parse the way Bolt does: JSON, a form, or a form carrying a JSON `payload`."""
    if not body:
        return {}
    if content_type == "application/json" or body.startswith("{"):
        return json.loads(body)
    fields = dict(parse_qsl(body, keep_blank_values=True))
    return json.loads(fields["payload"]) if "payload" in fields else fields


def slack_hosted(url: object, hosts: Collection[str]) -> bool:
    """Tell whether a response URL points at one of Slack's hosts."""
    if not isinstance(url, str) or not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and (parts.hostname or "") in hosts


def request_gate(signing_secret: str, path: str) -> Middleware:
    """An aiohttp middleware: 401 before anything is read when the signature is wrong."""
    verifier = SignatureVerifier(signing_secret=signing_secret)

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        try:
            body = await request.text()
        except UnicodeDecodeError:
            body = None
        if body is None or not verified(verifier, request, body):
            log.warning("refused a request to %s: missing or invalid Slack signature", path)
            return web.json_response(UNVERIFIED, status=401)
        problem = body_problem(body, request.content_type)
        if problem is not None:
            log.warning("refused a signed request to %s: %s", path, problem)
            return web.json_response({"error": problem}, status=400)
        return await handler(request)

    return gate
