"""The handoff desk as a webhook service (extra ``service``: Starlette and uvicorn).

A CRM calls the service the moment a deal is Closed-Won; internal tools make the
desk's moves over HTTP. ``alignkit serve --file alignment.yaml --store STORE`` runs
it; :func:`create_app` gives the ASGI app to embed or to test.

* ``POST /webhooks/hubspot``: HubSpot's ``deal.propertyChange`` events, checked by
  their v3 signature (and a timestamp at most five minutes old);
* ``POST /webhooks/salesforce``: Opportunity change events posted by a small relay,
  signed ``X-Alignkit-Signature``;
* ``GET /handoffs/{deal_id}`` and ``POST /handoffs/{deal_id}/{move}``: the desk's
  moves, for an actor known by a bearer token;
* ``GET /metrics`` (the desk's metrics) and ``GET /healthz`` (the store answers).

A webhook is answered 2xx only once its events are committed; a delivery repeated
is answered 2xx and changes nothing (the desk is idempotent by event id).

Added in 0.3.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.service._app import MAX_BODY, create_app, handoff_json
from alignkit.service._security import (
    SignatureError,
    Tokens,
    hubspot_signature,
    hubspot_url,
    relay_signature,
    verify_hubspot,
    verify_relay,
)

__all__ = [
    "MAX_BODY",
    "SignatureError",
    "Tokens",
    "create_app",
    "handoff_json",
    "hubspot_signature",
    "hubspot_url",
    "relay_signature",
    "verify_hubspot",
    "verify_relay",
]

publish(globals(), __all__)
