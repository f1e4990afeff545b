"""`alignkit serve` as a real process on 127.0.0.1: load, SIGKILL, restart; nothing lost.

Clients post signed HubSpot webhooks from several threads (a fifth of them repeated
deliveries, some stage changes arriving out of order) while the server is killed with
SIGKILL at random moments and started again. Afterwards every event answered 2xx is
in the store exactly once, no deal has two handoffs, and a desk replaying the store
agrees with what the live server answers. The long version is
``benchmarks/bench_service.py --fault``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alignkit.alignment_file import load
from alignkit.service import handoff_json, hubspot_signature
from alignkit.store import open_store
from tests.postgres import fresh_database

EXAMPLE = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"
SECRET = "hubspot-client-secret"  # noqa: S105 - a test's secret
TOKEN = "token-of-vp-ops-0123456789"  # noqa: S105 - a test's token
LOAD_SECONDS = float(os.environ.get("ALIGNKIT_SERVICE_LOAD_SECONDS", "6"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(store: str, port: int) -> list[str]:
    """``alignkit serve`` of the example's desk on ``store``, at ``port`` of 127.0.0.1."""
    return [
        sys.executable,
        "-m",
        "alignkit",
        "serve",
        "--file",
        str(EXAMPLE),
        "--store",
        store,
        "--port",
        str(port),
    ]


def listening(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> bool:
    """Wait until ``port`` on 127.0.0.1 takes connections; False if ``process`` ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


class Server:
    """``alignkit serve`` in a child process, started, killed and started again."""

    def __init__(self, store: str, folder: Path) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (folder / "server.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        environment = {
            **os.environ,
            "ALIGNKIT_HUBSPOT_SECRET": SECRET,
            "ALIGNKIT_SERVICE_TOKEN": f"vp-ops={TOKEN}",
        }
        self.process = subprocess.Popen(
            serve_command(self.store, self.port),
            stdout=self.log,
            stderr=self.log,
            env=environment,
        )
        if not listening(self.port, self.process):
            pytest.fail(f"the server did not start (exit status {self.process.poll()})")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code


def webhook(server: Server, client: Any, events: list[dict[str, Any]]) -> bool:
    """Post a signed webhook; whether it was answered 2xx."""
    body = json.dumps(events).encode()
    url = f"{server.url}/webhooks/hubspot"
    stamp = str(int(time.time() * 1000))
    headers = {
        "content-type": "application/json",
        "x-hubspot-request-timestamp": stamp,
        "x-hubspot-signature-v3": hubspot_signature(SECRET, "POST", url, body, stamp),
    }
    try:
        answer = client.post(url, content=body, headers=headers, timeout=10)
    except Exception:  # noqa: BLE001 - the server was killed under the request
        return False
    assert answer.status_code < 500 or answer.status_code == 503, answer.text
    return 200 <= answer.status_code < 300


def stage_change(deal: int, event: int, stage: str, at_ms: int) -> dict[str, Any]:
    return {
        "eventId": event,
        "objectId": deal,
        "propertyName": "dealstage",
        "propertyValue": stage,
        "occurredAt": at_ms,
        "subscriptionType": "deal.propertyChange",
    }


def run_load(server: Server, seconds: float, clients: int = 4) -> dict[int, dict[str, Any]]:
    """Post webhooks from ``clients`` threads for ``seconds``, killing the server meanwhile.

    Returns every event answered 2xx, by event id.
    """
    import httpx2

    answered: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(1, 10**9))
    base_ms = int(time.time() * 1000)

    def client_loop(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - a load's shape, not a secret
        sent: list[dict[str, Any]] = []
        with httpx2.Client() as client:
            while not stop.is_set():
                if sent and rng.random() < 0.2:
                    event = rng.choice(sent)  # a repeated delivery
                else:
                    with lock:
                        number = next(counter)
                    deal = rng.randrange(40)
                    if rng.random() < 0.15:  # an older change arriving late
                        event = stage_change(deal, number, "closedlost", base_ms - 60_000)
                    else:
                        event = stage_change(deal, number, "closedwon", base_ms + number)
                    sent.append(event)
                if webhook(server, client, [event]):
                    with lock:
                        answered[event["eventId"]] = event

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    rng = random.Random(7)  # noqa: S311 - when to kill, not a secret
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.3, 1.2))
        server.kill()
        server.start()
    stop.set()
    for thread in threads:
        thread.join()
    return answered


def check_nothing_lost(server: Server, answered: dict[int, dict[str, Any]]) -> None:
    import httpx2

    alignment = load(EXAMPLE)
    with open_store(server.store, read_only=True) as store:
        events = store.read_all(category="handoff")
        ids = [e.event_id for e in events]
        assert len(ids) == len(set(ids))  # nothing twice
        held = set(ids)
        for number, event in answered.items():  # everything answered 2xx is there
            assert f"crm:{event['objectId']}:{number}" in held
        opened: dict[str, int] = {}
        for e in events:
            opened[e.stream] = opened.get(e.stream, 0) + ("owner" in e.data)
        assert set(opened.values()) <= {0, 1}  # no deal has two handoffs
        desk = alignment.section("handoffs").desk(alignment.org, store=store)
        replayed = {h.deal_id: handoff_json(h) for h in desk.handoffs()}
    won = {str(e["objectId"]) for e in answered.values() if e["propertyValue"] == "closedwon"}
    assert won <= set(replayed)
    with httpx2.Client() as client:
        for deal, expected in replayed.items():
            live = client.get(
                f"{server.url}/handoffs/{deal}", headers={"authorization": f"Bearer {TOKEN}"}
            )
            assert live.json() == expected  # replay equals the live state


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "desk.db")
    else:
        with fresh_database() as dsn:
            yield dsn


def test_load_with_kills_loses_nothing_answered(store_target: str, tmp_path: Path):
    server = Server(store_target, tmp_path)
    server.start()
    try:
        answered = run_load(server, LOAD_SECONDS)
        assert len(answered) > 20  # the load really ran (even on a slow machine)
        check_nothing_lost(server, answered)
    finally:
        assert server.stop() == 0  # SIGTERM: a graceful stop
