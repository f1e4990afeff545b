"""The ``alignkit serve`` command: the handoff desk as a webhook service."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

__all__ = ["serve"]

SECRETS = {
    "hubspot": "ALIGNKIT_HUBSPOT_SECRET",
    "salesforce": "ALIGNKIT_SALESFORCE_SECRET",
    "tokens": "ALIGNKIT_SERVICE_TOKEN",
}
"""Where the secrets come from: the environment, never the alignment file."""


@click.command()
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The alignment file: its org and `handoffs:` section configure the desk.",
)
@click.option(
    "--store",
    "store_target",
    required=True,
    metavar="STORE",
    help="Where the events are kept: a SQLite file, or a postgresql:// DSN for replicas.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    metavar="URL",
    help="The service's public base URL behind a proxy (for HubSpot's signature), "
    "e.g. https://desk.example.com.",
)
@click.option(
    "--max-body",
    type=click.IntRange(1_024, 64 << 20),
    default=1 << 20,
    show_default=True,
    help="The largest request body taken, in bytes.",
)
def serve(
    file: Path,
    store_target: str,
    host: str,
    port: int,
    public_url: str | None,
    max_body: int,
) -> None:
    """Serve the handoff desk of FILE over HTTP: CRM webhooks in, moves for tools.

    Secrets come from the environment: ALIGNKIT_HUBSPOT_SECRET (the HubSpot app's
    client secret), ALIGNKIT_SALESFORCE_SECRET (the relay's shared secret) and
    ALIGNKIT_SERVICE_TOKEN (actor=token pairs, separated by commas: each internal
    tool's bearer token and the person it acts as). One JSON line per request goes
    to stderr. SIGTERM or Ctrl-C stops taking requests and finishes those under way.
    """
    try:
        import uvicorn

        from alignkit.service import Tokens, create_app
    except ImportError:
        click.echo(
            "alignkit serve: needs the service extra: pip install 'alignkit[service]'", err=True
        )
        sys.exit(2)
    from alignkit._cli_common import fail, opened_store
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.service import SignatureError

    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    handoffs = alignment.section("handoffs")
    if handoffs is None:
        raise click.UsageError(f"{file} has no `handoffs:` section: there is no desk to serve")
    try:
        tokens = Tokens.parse(os.environ.get(SECRETS["tokens"], ""))
    except SignatureError as error:
        raise click.UsageError(f"{SECRETS['tokens']}: {error}") from None
    unknown = sorted(a for a in tokens.actors if alignment.org.get_person(a) is None)
    if unknown:
        raise click.UsageError(
            f"{SECRETS['tokens']} names {', '.join(unknown)}, not people of the org in {file}"
        )
    with opened_store(store_target, "serve", read_only=False) as store:
        app = create_app(
            handoffs.desk(alignment.org, store=store),
            tokens=tokens,
            hubspot_secret=os.environ.get(SECRETS["hubspot"]) or None,
            salesforce_secret=os.environ.get(SECRETS["salesforce"]) or None,
            public_url=public_url,
            max_body=max_body,
        )
        _log_to_stderr()
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            access_log=False,  # our own JSON line per request says more
            log_level="warning",
            timeout_graceful_shutdown=10,
            lifespan="off",
        )
        # uvicorn finishes the requests under way, then raises the signal again: a
        # stop asked for is a clean exit, not a death by signal or a KeyboardInterrupt.
        for asked in (signal.SIGTERM, signal.SIGINT):
            signal.signal(asked, _stopped)
        uvicorn.Server(config).run()


def _log_to_stderr() -> None:
    """The service's log, one JSON line a request, on stderr and nowhere else."""
    log = logging.getLogger("alignkit.service")
    if any(getattr(h, "alignkit_service", False) for h in log.handlers):
        return  # served before in this process: one line a request, not two
    handler = logging.StreamHandler(sys.stderr)
    handler.alignkit_service = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def _stopped(_signal: int, _frame: object) -> None:
    sys.exit(0)
