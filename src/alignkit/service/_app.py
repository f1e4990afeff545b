"""The handoff desk over HTTP: CRM webhooks in, the desk's moves for internal tools.

Built on Starlette (a small, standard ASGI toolkit; served by uvicorn): the service
is a handful of routes around a :class:`~alignkit.handoff.HandoffDesk`, so a full web
framework would add weight and no capability. The desk is synchronous (its store
commits before it returns), so each call runs in Starlette's thread pool and a
request is answered only once its event is committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from alignkit.errors import (
    AlignkitError,
    GateBlocked,
    PermissionDenied,
    SpecError,
    StoreError,
    TransitionError,
    UnknownNameError,
)
from alignkit.service._security import SignatureError, Tokens, verify_hubspot, verify_relay
from alignkit.store import ConcurrencyError

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from alignkit.handoff import Handoff, HandoffDesk

__all__ = ["MAX_BODY", "create_app", "handoff_json"]

MAX_BODY: Final = 1 << 20
"""The largest body taken by default (1 MiB); a larger one is answered 413."""

LOGGER: Final = logging.getLogger("alignkit.service")

_MOVES: Final = ("submit", "flag", "resolve", "accept", "activate", "churn", "withdraw")


class _RefusedError(Exception):
    """A request answered with a 4xx (or 503) and a JSON body saying why."""

    def __init__(
        self, status: int, message: str, problems: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


def _problems(error: SpecError) -> list[dict[str, Any]]:
    return [
        {"message": p.message, "path": [str(part) for part in p.location.path]}
        for p in error.problems
    ]


def _when(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def handoff_json(handoff: Handoff) -> dict[str, Any]:
    """A handoff as JSON values: what ``GET /handoffs/{deal_id}`` answers.

    Added in 0.3.
    """
    return {
        "deal_id": handoff.deal_id,
        "state": handoff.state.value,
        "owner": handoff.owner,
        "customer": handoff.customer,
        "version": handoff.version,
        "allowed_moves": list(handoff.allowed_moves()),
        "won_at": _when(handoff.won_at),
        "accepted_at": _when(handoff.accepted_at),
        "activated_at": _when(handoff.activated_at),
        "flags": [
            {
                "id": flag.flag_id,
                "reason": flag.reason,
                "category": flag.category,
                "raised_by": flag.raised_by,
                "raised_at": _when(flag.raised_at),
                "resolved_by": flag.resolved_by,
                "resolved_at": _when(flag.resolved_at),
                "open": flag.open,
            }
            for flag in handoff.flags
        ],
        "package": None if handoff.package is None else handoff.package.model_dump(mode="json"),
    }


def create_app(  # noqa: C901, PLR0915 - the routes are small and read best together
    desk: HandoffDesk,
    *,
    tokens: Tokens,
    hubspot_secret: str | None = None,
    salesforce_secret: str | None = None,
    public_url: str | None = None,
    max_body: int = MAX_BODY,
    clock: Callable[[], dt.datetime] | None = None,
) -> Starlette:
    """The ASGI app of the handoff desk's service (extra ``service``).

    Args:
        desk: The desk the webhooks feed and the moves go to.
        tokens: The bearer tokens of internal tools, each mapped to one actor.
        hubspot_secret: The HubSpot app's client secret; ``None`` turns the HubSpot
            webhook off (it answers 503).
        salesforce_secret: The relay's shared secret; ``None`` turns it off.
        public_url: The service's public base URL (``https://desk.example.com``),
            for HubSpot's signature behind a proxy; by default the URL as requested.
        max_body: The largest body taken, in bytes.
        clock: The time of moves and of signature checks (UTC now by default).

    Routes: ``POST /webhooks/hubspot``, ``POST /webhooks/salesforce``, ``GET
    /handoffs/{deal_id}``, ``POST /handoffs/{deal_id}/{move}`` (submit, flag,
    resolve, accept, activate, churn, withdraw), ``GET /metrics``, ``GET /healthz``.

    Added in 0.3.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    now = clock or (lambda: dt.datetime.now(dt.UTC))
    # The desk makes one move at a time (it holds a lock while its store commits), so
    # one thread does its work: a pool of many would only have them queue for the lock,
    # and cost a thread switch more per request.
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alignkit-desk")

    async def run_in_threadpool(function: Callable[..., Any], *arguments: Any) -> Any:  # noqa: ANN401 - what the function returns
        return await asyncio.get_running_loop().run_in_executor(worker, function, *arguments)

    async def body_of(request: Request, *, required: bool = True) -> bytes:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body):
            raise _RefusedError(413, f"the body is larger than {max_body:,} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise _RefusedError(413, f"the body is larger than {max_body:,} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if (body or required) and kind != "application/json":
            raise _RefusedError(415, "send the body as application/json")
        return body

    def parsed(body: bytes) -> Any:  # noqa: ANN401 - any JSON value
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, a huge number
            raise _RefusedError(400, f"the body is not JSON ({str(error)[:80]})") from None

    def actor_of(request: Request) -> str:
        try:
            actor = tokens.actor(request.headers.get("authorization"))
        except SignatureError as error:
            raise _RefusedError(401, str(error)) from None
        request.state.actor = actor
        return actor

    async def receive_all(request: Request, events: list[Any]) -> JSONResponse:
        opened = []
        for event in events:
            request.state.deal_id = event.deal_id
            handoff = await run_in_threadpool(desk.receive, event)
            if handoff is not None:
                opened.append(handoff.deal_id)
        request.state.outcome = f"received {len(events)}"
        return JSONResponse({"received": len(events), "handoffs": opened})

    async def hubspot(request: Request) -> JSONResponse:
        from alignkit.handoff import DealEvent

        if hubspot_secret is None:
            raise _RefusedError(503, "HubSpot webhooks are off: set ALIGNKIT_HUBSPOT_SECRET")
        body = await body_of(request)
        # The URL as it was sent: the raw path and query, not decoded by the server.
        raw = request.scope.get("raw_path") or request.url.path.encode()
        sent = raw.decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        if query:
            sent += f"?{query}"
        base = (
            public_url.rstrip("/") if public_url is not None else str(request.base_url).rstrip("/")
        )
        url = base + sent
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            verify_hubspot(hubspot_secret, request.method, url, body, headers, now=now())
        except SignatureError as error:
            raise _RefusedError(401, str(error)) from None
        try:
            events = DealEvent.all_from_hubspot(parsed(body))
        except SpecError as error:
            raise _RefusedError(
                422, "the webhook's events cannot be read", _problems(error)
            ) from None
        return await receive_all(request, events)

    async def salesforce(request: Request) -> JSONResponse:
        from alignkit.handoff import DealEvent

        if salesforce_secret is None:
            raise _RefusedError(503, "Salesforce events are off: set ALIGNKIT_SALESFORCE_SECRET")
        body = await body_of(request)
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            verify_relay(salesforce_secret, body, headers, now=now())
        except SignatureError as error:
            raise _RefusedError(401, str(error)) from None
        payload = parsed(body)
        if not isinstance(payload, Mapping):
            raise _RefusedError(422, "a change event is a JSON object")
        try:
            events = DealEvent.all_from_salesforce(payload)
        except SpecError as error:
            raise _RefusedError(422, "the change event cannot be read", _problems(error)) from None
        return await receive_all(request, events)

    def current(deal_id: str) -> Handoff:
        desk.refresh()  # what other replicas appended
        return desk.get(deal_id)

    async def show(request: Request) -> JSONResponse:
        actor_of(request)
        deal_id = request.path_params["deal_id"]
        request.state.deal_id = deal_id
        handoff = await run_in_threadpool(current, deal_id)
        request.state.outcome = handoff.state.value
        return JSONResponse(handoff_json(handoff))

    async def move(request: Request) -> JSONResponse:
        actor = actor_of(request)
        deal_id, name = request.path_params["deal_id"], request.path_params["move"]
        request.state.deal_id = deal_id
        if name not in _MOVES:
            raise _RefusedError(404, f"no move {name!r}; the moves are {', '.join(_MOVES)}")
        body = await body_of(request, required=False)
        arguments = parsed(body) if body else {}
        if not isinstance(arguments, Mapping):
            raise _RefusedError(422, "the body is a JSON object")
        handoff, flag_id = await run_in_threadpool(
            _apply, desk, name, deal_id, actor, arguments, now()
        )
        request.state.outcome = f"{name}: {handoff.state.value}"
        answer = handoff_json(handoff)
        if flag_id is not None:
            answer["flag_id"] = flag_id
        return JSONResponse(answer)

    async def metrics(request: Request) -> JSONResponse:
        actor_of(request)

        def measured() -> dict[str, Any]:
            desk.refresh()
            found = desk.metrics()
            return {
                "opened": found.opened,
                "accepted": found.accepted,
                "activated": found.activated,
                "flagged": found.flagged,
                "flag_rate": found.flag_rate,
                "activation_rate": found.activation_rate,
                "first_pass_rate": found.first_pass_rate,
                "median_time_to_accept_s": (
                    None
                    if found.median_time_to_accept is None
                    else found.median_time_to_accept.total_seconds()
                ),
            }

        return JSONResponse(await run_in_threadpool(measured))

    async def healthz(request: Request) -> JSONResponse:
        try:
            await run_in_threadpool(desk.store.version, "alignkit-healthz")
        except StoreError as error:
            request.state.outcome = str(error)  # the detail goes to the log, not the caller
            return JSONResponse({"error": "the store cannot be read"}, status_code=503)
        request.state.outcome = "ok"
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/webhooks/hubspot", _guarded(hubspot), methods=["POST"]),
        Route("/webhooks/salesforce", _guarded(salesforce), methods=["POST"]),
        Route("/handoffs/{deal_id}", _guarded(show), methods=["GET"]),
        Route("/handoffs/{deal_id}/{move}", _guarded(move), methods=["POST"]),
        Route("/metrics", _guarded(metrics), methods=["GET"]),
        Route("/healthz", _guarded(healthz), methods=["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        worker.shutdown(wait=True)  # the move under way finishes; its answer is sent

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_RequestLog)
    return app


def _apply(
    desk: HandoffDesk,
    name: str,
    deal_id: str,
    actor: str,
    arguments: Mapping[str, Any],
    at: dt.datetime,
) -> tuple[Handoff, str | None]:
    """Make the move ``name``; the handoff after it, and the new flag's id for a flag."""
    from alignkit.handoff import HandoffPackage

    def text(key: str, *, required: bool = True) -> str:
        value = arguments.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            raise SpecError.single(f"`{key}` must be text", _at(key))
        return value

    desk.refresh()
    if name == "submit":
        package = HandoffPackage.model_validate(arguments.get("package"))
        return desk.submit(deal_id, package, actor, at), None
    if name == "flag":
        flag_id = desk.flag(deal_id, actor, text("reason"), text("category"), at)
        return desk.get(deal_id), flag_id
    if name == "resolve":
        return desk.resolve(deal_id, text("flag_id"), actor, at), None
    if name in ("accept", "activate"):
        return getattr(desk, name)(deal_id, actor, at), None
    return getattr(desk, name)(deal_id, actor, at, text("reason", required=False)), None


def _at(key: str) -> Any:  # noqa: ANN401 - a Location
    from alignkit.diagnostics import Location

    return Location(path=(key,))


_STATUS: Final[tuple[tuple[type[Exception], int], ...]] = (
    (UnknownNameError, 404),
    (PermissionDenied, 403),
    (GateBlocked, 409),
    (TransitionError, 409),
    (ConcurrencyError, 409),
    (SpecError, 422),
    (StoreError, 503),
)


def _guarded(
    endpoint: Callable[[Request], Awaitable[JSONResponse]],
) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The endpoint, with every refusal and every error of alignkit's answered as JSON."""
    from starlette.responses import JSONResponse

    async def guarded(request: Request) -> JSONResponse:
        try:
            return await endpoint(request)
        except _RefusedError as refused:
            request.state.outcome = refused.message
            body: dict[str, Any] = {"error": refused.message}
            if refused.problems:
                body["problems"] = refused.problems
            return JSONResponse(body, status_code=refused.status)
        except AlignkitError as error:
            status = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
            request.state.outcome = str(error)
            body = {"error": str(error)}
            if isinstance(error, SpecError):
                body["problems"] = _problems(error)
            if isinstance(error, GateBlocked) and error.result is not None:
                body["failures"] = [
                    {"check": f.check, "reason": f.reason, "fix": f.fix}
                    for f in error.result.failures
                ]
            return JSONResponse(body, status_code=status)

    return guarded


class _RequestLog:
    """One JSON line per request: method, path, status, deal, outcome, actor, time taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = scope.setdefault("state", {})
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            LOGGER.info(
                json.dumps(
                    {
                        "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "deal_id": state.get("deal_id"),
                        "outcome": state.get("outcome"),
                        "actor": state.get("actor"),
                        "ms": round((time.perf_counter() - start) * 1000, 2),
                    }
                )
            )
