"""Who may call the service: CRM signatures, and bearer tokens for internal tools.

* **HubSpot** signs each webhook with its v3 signature: the base64 of the HMAC-SHA256,
  keyed by the app's client secret, of ``method + url + body + timestamp`` (the URL
  exactly as HubSpot called it, the timestamp the ``X-HubSpot-Request-Timestamp``
  header in milliseconds), sent as ``X-HubSpot-Signature-v3``. A timestamp more than
  five minutes old is refused, so a captured request cannot be replayed later.
* **Salesforce** change events arrive over its Pub/Sub API or CometD, not as HTTP
  calls: a small relay posts them, signed ``X-Alignkit-Signature: sha256=<hex of
  HMAC-SHA256(secret, timestamp + "." + body)>`` with ``X-Alignkit-Timestamp`` (seconds).
* **Internal tools** send ``Authorization: Bearer <token>``; each token maps to exactly
  one actor, configured on the server. An actor named in a header or a body is never
  taken as who is calling.

Signatures are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import Final, final

import attrs

from alignkit.errors import AlignkitError

__all__ = [
    "SignatureError",
    "Tokens",
    "hubspot_signature",
    "hubspot_url",
    "relay_signature",
    "verify_hubspot",
    "verify_relay",
]

MAX_AGE: Final = dt.timedelta(minutes=5)
"""How old a signed request's timestamp may be (HubSpot's own advice)."""


class SignatureError(AlignkitError, ValueError):
    """A request whose signature, timestamp or token does not check out.

    The message says what is wrong in words safe to return to the caller: never the
    expected signature or a secret.

    Added in 0.3.
    """


_DECODED: Final = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip
"""The escapes HubSpot decodes in the URL before it signs (its request-validation guide)."""


def hubspot_url(url: str) -> str:
    """``url`` as HubSpot signs it: these escapes decoded, every other one kept.

    >>> hubspot_url("https://x.test/hook?next=%2Fdeals%3Fa%3D1&q=a%20b")
    'https://x.test/hook?next=/deals?a%3D1&q=a%20b'
    """
    if "%" not in url:
        return url
    parts = url.split("%")
    out = [parts[0]]
    for part in parts[1:]:
        escape = "%" + part[:2].upper()
        out.append(_DECODED[escape] + part[2:] if escape in _DECODED else "%" + part)
    return "".join(out)


def hubspot_signature(secret: str, method: str, url: str, body: bytes, timestamp: str) -> str:
    """HubSpot's v3 signature of a request (what ``X-HubSpot-Signature-v3`` holds).

    >>> hubspot_signature("secret", "POST", "https://x.test/hook", b"[]", "1700000000000")
    'C5HAcNbCmkEC1vLi4gnlKTyZqugNEzUHCLeUVCK5gl8='
    """
    message = method.upper().encode() + url.encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def relay_signature(secret: str, body: bytes, timestamp: str) -> str:
    """The signature a Salesforce relay sends (``X-Alignkit-Signature``).

    >>> relay_signature("secret", b"{}", "1700000000")
    'sha256=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163'
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _fresh(moment: dt.datetime | None, now: dt.datetime, header: str) -> None:
    if moment is None:
        raise SignatureError(f"{header} is missing or not a number")
    if abs(now - moment) > MAX_AGE:
        raise SignatureError(
            f"{header} is more than {int(MAX_AGE.total_seconds() // 60)} minutes from now: "
            "the request is refused as a possible replay"
        )


def _moment(value: str | None, digits: int, scale: int) -> dt.datetime | None:
    """The time a timestamp header gives: at most ``digits`` ASCII digits, in ``1/scale`` s."""
    if value is None or not value.isascii() or not value.isdecimal() or len(value) > digits:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value) / scale, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):  # pragma: no cover - past year 9999
        return None


def verify_hubspot(
    secret: str,
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: dt.datetime,
) -> None:
    """Check a HubSpot webhook's v3 signature and timestamp.

    Args:
        secret: The app's client secret.
        method: The request's method.
        url: The full public URL HubSpot called (behind a proxy: the public one), as
            it was sent (its escapes are decoded here as HubSpot decodes them).
        body: The raw body.
        headers: The request's headers (names in lower case).
        now: The server's time (aware).

    Raises:
        SignatureError: The signature is missing or wrong, or the timestamp is missing
            or more than five minutes from ``now``.
    """
    timestamp = headers.get("x-hubspot-request-timestamp")
    _fresh(_moment(timestamp, 13, 1000), now, "X-HubSpot-Request-Timestamp")
    given = headers.get("x-hubspot-signature-v3")
    if not given:
        raise SignatureError("X-HubSpot-Signature-v3 is missing")
    expected = hubspot_signature(secret, method, hubspot_url(url), body, timestamp or "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise SignatureError("X-HubSpot-Signature-v3 does not match the request")


def verify_relay(secret: str, body: bytes, headers: Mapping[str, str], *, now: dt.datetime) -> None:
    """Check a relayed Salesforce event's ``X-Alignkit-Signature`` and timestamp.

    Raises:
        SignatureError: As :func:`verify_hubspot`.
    """
    timestamp = headers.get("x-alignkit-timestamp")
    _fresh(_moment(timestamp, 10, 1), now, "X-Alignkit-Timestamp")
    given = headers.get("x-alignkit-signature")
    if not given:
        raise SignatureError("X-Alignkit-Signature is missing")
    expected = relay_signature(secret, body, timestamp or "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise SignatureError("X-Alignkit-Signature does not match the request")


@final
@attrs.frozen
class Tokens:
    """Bearer tokens of internal tools, each mapped to exactly one actor.

    Read from ``ALIGNKIT_SERVICE_TOKEN`` as ``actor=token`` pairs separated by commas
    (``ops-lead=3f9a...,ae-1=77c2...``). Tokens are compared in constant time.

    >>> tokens = Tokens.parse("ops-lead=s3cret-token-number-1,ae-1=s3cret-token-number-2")
    >>> tokens.actor("Bearer s3cret-token-number-2")
    'ae-1'

    Added in 0.3.
    """

    by_token: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def parse(cls, text: str) -> Tokens:
        """``actor=token`` pairs, separated by commas.

        Raises:
            SignatureError: A pair is malformed, a token is shorter than 16
                characters, or one token is given to two actors.
        """
        found: dict[str, str] = {}
        for number, pair in enumerate(text.split(","), start=1):
            actor, equals, token = (part.strip() for part in pair.partition("="))
            if not pair.strip():
                continue
            if not equals or not actor or not token:
                raise SignatureError(f"pair {number} is not actor=token")
            if len(token) < 16:  # noqa: PLR2004 - a guessable token is no token
                raise SignatureError(f"the token of {actor!r} is shorter than 16 characters")
            if token in found and found[token] != actor:
                raise SignatureError(f"one token is given to both {found[token]!r} and {actor!r}")
            found[token] = actor
        return cls(found)

    @property
    def actors(self) -> frozenset[str]:
        """Every actor that has a token."""
        return frozenset(self.by_token.values())

    def actor(self, authorization: str | None) -> str:
        """The actor of an ``Authorization: Bearer`` header.

        Raises:
            SignatureError: No bearer token, or one that is not configured.
        """
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise SignatureError("send Authorization: Bearer <token>")
        given = token.strip().encode()
        found = None
        for known, actor in self.by_token.items():  # every token compared: constant time
            if hmac.compare_digest(given, known.encode()):
                found = actor
        if found is None:
            raise SignatureError("the bearer token is not one of this service's")
        return found
