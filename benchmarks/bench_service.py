"""The webhook service: signed HubSpot webhooks per second, against its two ceilings.

In one run, this script:

* starts, each in a child process on 127.0.0.1, served by uvicorn as ``alignkit
  serve`` serves it:

  - **service/sqlite**: ``alignkit serve`` on the bundled example, a new SQLite store
    (``synchronous=FULL``: every answered webhook is on disk);
  - **service/postgres**: the same on PostgreSQL (a throwaway cluster with fsync on,
    as ``benchmarks/bench_postgres.py`` starts one, or ``--dsn``);
  - **ceiling**: a minimal Starlette app on the same uvicorn that reads the body,
    parses the JSON and answers 200: what the framework and the HTTP stack allow;

* times the first request each fresh server answers (it loads what it needs then),
  sends 200 more to warm it up, then times ``--requests`` signed HubSpot webhooks
  (1,500 by default; one Closed-Won a request, each for a new deal, so each opens a
  handoff) from ``--concurrency`` concurrent clients (16), and reports requests per
  second and the p50 and p99 latency;
* appends the same number of events straight to each store, one a transaction
  (``SQLiteStore.append`` at ``FULL``, ``PostgresStore.append``): the store's raw
  append rate, the floor under any service that commits before it answers;
* takes turns over ``--runs`` runs (3), reporting medians (min-max), and the ratio of
  the service's time to the slower of its two ceilings, run by run.

Target: each service within 2x of the lower of its store's raw append rate and the
framework's ceiling.

``--fault SECONDS`` instead runs the load-and-kill check of
``tests/test_service_process.py`` for that long on each store (the tests run it for
seconds): clients post signed webhooks (a fifth repeated, some late) while the
server is SIGKILLed at random moments and restarted; then every event answered 2xx
must be stored exactly once and a replay must equal the live answers.

Needs the ``service`` and ``postgres`` extras, and root for the throwaway cluster
(or ``--dsn``).

Usage::

    python benchmarks/bench_service.py [--requests 1500] [--concurrency 16] [--runs 3]
        [--dsn postgresql://...] [--fault SECONDS] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))  # the fault check is the tests' own

from _common import machine_line, median_range, positive_int, ratio, write_json  # noqa: E402
from bench_postgres import durable_server  # noqa: E402

from alignkit.service import hubspot_signature  # noqa: E402
from alignkit.store import NewEvent, PostgresStore, SQLiteStore  # noqa: E402
from tests.test_service_process import free_port, listening, serve_command  # noqa: E402

WARM_UP = 200
"""Requests sent to each fresh server before the timed load (the first is timed apart)."""
SECRET = "bench-secret"  # noqa: S105 - a benchmark's secret
CEILING_APP = """
import json
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hook(request):
    events = json.loads(await request.body())
    return JSONResponse({"received": len(events)})

app = Starlette(routes=[Route("/webhooks/hubspot", hook, methods=["POST"])])
"""


@contextlib.contextmanager
def served(command: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(command, env={**os.environ, **env}, stderr=subprocess.DEVNULL)
    try:
        if not listening(port, process):
            sys.exit(f"{' '.join(command)} did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def service(store: str) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    return served(serve_command(store, port), port, {"ALIGNKIT_HUBSPOT_SECRET": SECRET})


def ceiling(folder: Path) -> contextlib.AbstractContextManager[str]:
    (folder / "ceiling_app.py").write_text(CEILING_APP)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "ceiling_app:app",
        "--app-dir",
        str(folder),
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    ]
    return served(command, port, {})


def webhook_bodies(count: int, offset: int) -> list[bytes]:
    at = int(time.time() * 1000)
    return [
        json.dumps(
            [
                {
                    "eventId": offset + n,
                    "objectId": offset + n,
                    "propertyName": "dealstage",
                    "propertyValue": "closedwon",
                    "occurredAt": at,
                    "subscriptionType": "deal.propertyChange",
                }
            ]
        ).encode()
        for n in range(count)
    ]


async def load(base: str, bodies: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    """Seconds to post every body, and each request's latency (seconds)."""
    import httpx2

    url = f"{base}/webhooks/hubspot"
    queue = list(reversed(bodies))
    latencies: list[float] = []

    async def worker(client: Any) -> None:
        while queue:
            body = queue.pop()
            stamp = str(int(time.time() * 1000))
            headers = {
                "content-type": "application/json",
                "x-hubspot-request-timestamp": stamp,
                "x-hubspot-signature-v3": hubspot_signature(SECRET, "POST", url, body, stamp),
            }
            start = time.perf_counter()
            answer = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            if answer.status_code != 200:
                sys.exit(f"{url} answered {answer.status_code}: {answer.text}")

    limits = httpx2.Limits(max_connections=concurrency)
    async with httpx2.AsyncClient(limits=limits, timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


def raw_appends(store: Any, count: int, offset: int) -> float:
    at = dt.datetime.now(dt.UTC)
    events = [
        NewEvent(f"raw-{offset + n}", "deal_stage", "crm", at, {"stage": "Closed-Won"})
        for n in range(count)
    ]
    start = time.perf_counter()
    for n, event in enumerate(events):
        store.append(f"raw-{offset + n}", [event], expected_version=0)
    return time.perf_counter() - start


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench(options: argparse.Namespace, dsn: str, folder: Path) -> dict[str, Any]:
    count, concurrency = options.requests, options.concurrency
    times: dict[str, list[float]] = {}
    p50: dict[str, list[float]] = {}
    p99: dict[str, list[float]] = {}
    firsts: dict[str, list[float]] = {}
    for run in range(options.runs):
        offset = (run + 1) * 10_000_000
        sqlite_path = folder / f"desk-{run}.db"
        # A fresh start for each run's PostgreSQL service.
        with PostgresStore(dsn) as pg, pg._connection() as conn:  # noqa: SLF001
            conn.execute("TRUNCATE alignkit_events, alignkit_decision_texts")
        steps = [
            ("service/sqlite", lambda path=sqlite_path: service(str(path))),
            ("service/postgres", lambda: service(dsn)),
            ("ceiling", lambda: ceiling(folder)),
        ]
        for name, start in steps if run % 2 == 0 else steps[::-1]:
            with start() as base:
                # The first request a fresh server answers (it loads what it needs),
                # then a warm-up, then the timed load.
                first, _ = asyncio.run(load(base, webhook_bodies(1, offset - 1), 1))
                firsts.setdefault(name, []).append(first)
                asyncio.run(load(base, webhook_bodies(WARM_UP, offset + count), concurrency))
                elapsed, latencies = asyncio.run(
                    load(base, webhook_bodies(count, offset), concurrency)
                )
            times.setdefault(name, []).append(elapsed)
            p50.setdefault(name, []).append(statistics.median(latencies))
            p99.setdefault(name, []).append(percentile(latencies, 0.99))
        with SQLiteStore(folder / f"raw-{run}.db") as store:
            times.setdefault("raw/sqlite", []).append(raw_appends(store, count, offset))
        with PostgresStore(dsn) as store:
            times.setdefault("raw/postgres", []).append(raw_appends(store, count, offset))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    print()
    for name, samples in times.items():
        rate = median_range([count / s for s in samples])
        line = (
            f"{name:>17}: {rate['median']:>8,.0f} requests/s "
            f"({rate['min']:,.0f}-{rate['max']:,.0f})"
        )
        if name in p50:
            line += (
                f"; p50 {statistics.median(p50[name]) * 1000:.1f} ms,"
                f" p99 {statistics.median(p99[name]) * 1000:.1f} ms,"
                f" first request {statistics.median(firsts[name]) * 1000:.0f} ms"
            )
        print(line)
    ratios = {}
    for store in ("sqlite", "postgres"):
        slower = [max(a, b) for a, b in zip(times[f"raw/{store}"], times["ceiling"], strict=True)]
        name = f"service/{store} over the lower ceiling"
        ratios[name] = ratio(times[f"service/{store}"], slower)
    print()
    for name, value in ratios.items():
        print(
            f"{name:>40}: {value['median']:.2f}x time ({value['min']:.2f}-{value['max']:.2f})"
            "  target <= 2.0x"
        )
    return {
        "times_s": {k: median_range(v) for k, v in times.items()},
        "p50_s": {k: median_range(v) for k, v in p50.items()},
        "p99_s": {k: median_range(v) for k, v in p99.items()},
        "first_request_s": {k: median_range(v) for k, v in firsts.items()},
        "ratios": ratios,
    }


def fault(seconds: float, dsn: str, folder: Path) -> None:
    from tests.test_service_process import Server, check_nothing_lost, run_load

    for name, store in (("sqlite", str(folder / "fault.db")), ("postgres", dsn)):
        server = Server(store, folder)
        server.start()
        answered = run_load(server, seconds)
        check_nothing_lost(server, answered)
        code = server.stop()
        print(
            f"{name}: {len(answered):,} events answered 2xx over {seconds:.0f} s with kills; "
            f"every one stored once, replay equal to live; stopped with {code}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=positive_int, default=1_500)
    parser.add_argument("--concurrency", type=positive_int, default=16)
    parser.add_argument("--runs", type=positive_int, default=3)
    parser.add_argument("--dsn", help="a PostgreSQL server to use (else a throwaway one)")
    parser.add_argument("--fault", type=float, metavar="SECONDS", help="run the fault check")
    parser.add_argument("--json-out", metavar="PATH")
    options = parser.parse_args()
    print(machine_line())
    server = contextlib.nullcontext(options.dsn) if options.dsn else durable_server()
    with server as dsn, tempfile.TemporaryDirectory() as folder:
        PostgresStore(dsn).close()
        if options.fault:
            fault(options.fault, dsn, Path(folder))
            return
        print(f"{options.requests:,} signed webhooks a run, {options.concurrency} at a time")
        figures = bench(options, dsn, Path(folder))
    write_json(options.json_out, figures)


if __name__ == "__main__":
    main()
