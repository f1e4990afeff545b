"""alignkit.service: the handoff desk over HTTP, in process (Starlette's test client).

Signatures are computed here from HubSpot's and the relay's documented recipes with
``hmac`` directly, not with the service's own helpers, so that a helper that drifted
from the recipe would fail these tests.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from alignkit.handoff import HandoffDesk
from alignkit.service import (
    SignatureError,
    Tokens,
    create_app,
    hubspot_signature,
    relay_signature,
    verify_hubspot,
    verify_relay,
)
from alignkit.store import MemoryStore, SQLiteStore
from tests.test_handoff import ORG, SCOPE, SOW, WAU

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
HS_SECRET = "hubspot-client-secret"  # noqa: S105 - a test's secret
SF_SECRET = "relay-shared-secret"  # noqa: S105 - a test's secret
TOKENS = Tokens.parse("ae-1=token-of-ae-1-0123456789,vp-ops=token-of-vp-ops-0123456789")
AE = {"authorization": "Bearer token-of-ae-1-0123456789"}
OPS = {"authorization": "Bearer token-of-vp-ops-0123456789"}
BASE = "http://testserver"


def millis(moment: dt.datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def hubspot_headers(body: bytes, *, url: str = f"{BASE}/webhooks/hubspot", at: dt.datetime = NOW):
    """Headers as HubSpot sends them: v3 signature of method + URL + body + timestamp."""
    timestamp = millis(at)
    message = b"POST" + url.encode() + body + timestamp.encode()
    signature = base64.b64encode(hmac.new(HS_SECRET.encode(), message, hashlib.sha256).digest())
    return {
        "content-type": "application/json",
        "x-hubspot-request-timestamp": timestamp,
        "x-hubspot-signature-v3": signature.decode(),
    }


def relay_headers(body: bytes, *, at: dt.datetime = NOW) -> dict[str, str]:
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(SF_SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {
        "content-type": "application/json",
        "x-alignkit-timestamp": timestamp,
        "x-alignkit-signature": f"sha256={digest.hexdigest()}",
    }


def closed_won(deal: int, event: int, *, stage: str = "closedwon") -> dict[str, Any]:
    return {
        "eventId": event,
        "objectId": deal,
        "propertyName": "dealstage",
        "propertyValue": stage,
        "occurredAt": int(NOW.timestamp() * 1000),
        "subscriptionType": "deal.propertyChange",
    }


def salesforce_change(deal: str, stage: str = "Closed Won") -> dict[str, Any]:
    return {
        "schema": "x",
        "payload": {
            "ChangeEventHeader": {
                "entityName": "Opportunity",
                "changeType": "UPDATE",
                "recordIds": [deal],
                "commitTimestamp": int(NOW.timestamp() * 1000),
                "transactionKey": "tx-1",
                "sequenceNumber": 1,
                "changedFields": ["StageName"],
            },
            "StageName": stage,
            "OwnerId": "ae-1",
        },
        "event": {"replayId": 7},
    }


@pytest.fixture
def desk() -> HandoffDesk:
    return HandoffDesk(ORG, store=MemoryStore())


def app_for(desk: HandoffDesk) -> Any:
    """The service of ``desk`` with both webhooks on, the tokens above, and the clock at NOW."""
    return create_app(
        desk,
        tokens=TOKENS,
        hubspot_secret=HS_SECRET,
        salesforce_secret=SF_SECRET,
        clock=lambda: NOW,
    )


@pytest.fixture
def client(desk: HandoffDesk) -> Iterator[TestClient]:
    with TestClient(app_for(desk)) as found:
        yield found


def post_hubspot(client: TestClient, events: list[dict[str, Any]], **changes: Any) -> Any:
    body = json.dumps(events).encode()
    headers = {**hubspot_headers(body), **changes}
    return client.post("/webhooks/hubspot", content=body, headers=headers)


def package_json(deal: str) -> dict[str, Any]:
    return {
        "deal_id": deal,
        "customer": "Globex",
        "from_function": "Sales",
        "to_function": "Operations",
        "owner": "ae-1",
        "artifacts": [a.model_dump(mode="json") for a in (SCOPE, SOW)],
        "success_criteria": [WAU.model_dump(mode="json")],
    }


class TestHubSpot:
    def test_a_closed_won_deal_opens_a_handoff(self, client: TestClient, desk: HandoffDesk):
        answer = post_hubspot(client, [closed_won(101, 1)])
        assert answer.status_code == 200
        assert answer.json() == {"received": 1, "handoffs": ["101"]}
        assert desk.get("101").state.value == "open"

    def test_a_repeated_delivery_is_answered_and_changes_nothing(
        self, client: TestClient, desk: HandoffDesk
    ):
        post_hubspot(client, [closed_won(101, 1)])
        again = post_hubspot(client, [closed_won(101, 1)])
        assert again.status_code == 200
        assert len(desk.store.read_all()) == 1

    def test_other_properties_in_the_batch_are_left_out(self, client: TestClient):
        other = {**closed_won(102, 2), "propertyName": "amount", "propertyValue": "100"}
        answer = post_hubspot(client, [other, closed_won(101, 1)])
        assert answer.json() == {"received": 1, "handoffs": ["101"]}

    @pytest.mark.parametrize(
        ("changes", "said"),
        [
            ({"x-hubspot-signature-v3": "AAAA"}, "does not match"),
            ({"x-hubspot-signature-v3": ""}, "is missing"),
            ({"x-hubspot-request-timestamp": "soon"}, "missing or not a number"),
        ],
    )
    def test_a_bad_signature_is_refused(self, client: TestClient, changes: dict, said: str):
        answer = post_hubspot(client, [closed_won(101, 1)], **changes)
        assert answer.status_code == 401
        assert said in answer.json()["error"]

    def test_an_old_request_is_refused_as_a_replay(self, client: TestClient, desk: HandoffDesk):
        body = json.dumps([closed_won(101, 1)]).encode()
        stale = hubspot_headers(body, at=NOW - dt.timedelta(minutes=6))
        answer = client.post("/webhooks/hubspot", content=body, headers=stale)
        assert answer.status_code == 401
        assert "possible replay" in answer.json()["error"]
        assert desk.store.read_all() == []

    def test_a_body_changed_on_the_way_is_refused(self, client: TestClient):
        body = json.dumps([closed_won(101, 1)]).encode()
        headers = hubspot_headers(body)
        forged = body.replace(b"101", b"666")
        assert client.post("/webhooks/hubspot", content=forged, headers=headers).status_code == 401

    def test_behind_a_proxy_the_public_url_is_signed(self, desk: HandoffDesk):
        app = create_app(
            desk,
            tokens=TOKENS,
            hubspot_secret=HS_SECRET,
            public_url="https://desk.example.com/",
            clock=lambda: NOW,
        )
        body = json.dumps([closed_won(101, 1)]).encode()
        public = hubspot_headers(body, url="https://desk.example.com/webhooks/hubspot?x=1")
        with TestClient(app) as client:
            answer = client.post("/webhooks/hubspot?x=1", content=body, headers=public)
            assert answer.status_code == 200
            inner = hubspot_headers(body, url=f"{BASE}/webhooks/hubspot?x=1")
            assert (
                client.post("/webhooks/hubspot?x=1", content=body, headers=inner).status_code == 401
            )

    @pytest.mark.parametrize(
        "stamp", ["9999999999999999", "\u00b2", "12345678901234", "-1", "1.5e12"]
    )
    def test_a_timestamp_that_is_no_time_is_refused(self, client: TestClient, stamp: str):
        body = json.dumps([closed_won(101, 1)]).encode()
        headers = {**hubspot_headers(body), "x-hubspot-request-timestamp": stamp}
        encoded = {k: v.encode("latin-1") for k, v in headers.items()}
        answer = client.post("/webhooks/hubspot", content=body, headers=encoded)
        assert answer.status_code == 401
        relayed = {**relay_headers(body), "x-alignkit-timestamp": stamp}
        encoded = {k: v.encode("latin-1") for k, v in relayed.items()}
        assert client.post("/webhooks/salesforce", content=body, headers=encoded).status_code == 401

    def test_escapes_in_the_url_are_signed_as_hubspot_decodes_them(self, client: TestClient):
        """HubSpot decodes %2F, %3A, %3F ... in the URL before it signs; other escapes stay."""
        body = json.dumps([closed_won(101, 1)]).encode()
        signed = hubspot_headers(body, url=f"{BASE}/webhooks/hubspot?next=/deals&q=a%20b")
        answer = client.post(
            "/webhooks/hubspot?next=%2Fdeals&q=a%20b", content=body, headers=signed
        )
        assert answer.status_code == 200

    def test_bad_payloads_get_a_clear_4xx(self, client: TestClient):
        body = b"[{"
        answer = client.post("/webhooks/hubspot", content=body, headers=hubspot_headers(body))
        assert (answer.status_code, answer.json()["error"][:20]) == (400, "the body is not JSON")
        answer = post_hubspot(client, [{"propertyName": "dealstage", "objectId": 1}])
        assert answer.status_code == 422
        assert {tuple(p["path"]) for p in answer.json()["problems"]} == {("0", "eventId")}
        body = b'[{"eventId": ' + b"1" * 5000 + b"}]"  # a number Python will not read
        answer = client.post("/webhooks/hubspot", content=body, headers=hubspot_headers(body))
        assert answer.status_code == 400
        body = b"[]"
        plain = {**hubspot_headers(body), "content-type": "text/plain"}
        assert client.post("/webhooks/hubspot", content=body, headers=plain).status_code == 415

    def test_a_body_over_the_limit_is_refused(self, desk: HandoffDesk):
        app = create_app(desk, tokens=TOKENS, hubspot_secret=HS_SECRET, max_body=100)
        body = json.dumps([closed_won(n, n) for n in range(10)]).encode()
        with TestClient(app) as client:
            answer = client.post("/webhooks/hubspot", content=body, headers=hubspot_headers(body))
        assert answer.status_code == 413
        assert desk.store.read_all() == []

    def test_without_a_secret_the_webhook_is_off(self, desk: HandoffDesk):
        with TestClient(create_app(desk, tokens=TOKENS)) as client:
            answer = client.post("/webhooks/hubspot", json=[])
            assert answer.status_code == 503
            assert "ALIGNKIT_HUBSPOT_SECRET" in answer.json()["error"]
            answer = client.post("/webhooks/salesforce", json={})
            assert "ALIGNKIT_SALESFORCE_SECRET" in answer.json()["error"]


class TestSalesforceRelay:
    def test_a_signed_change_event_opens_a_handoff(self, client: TestClient, desk: HandoffDesk):
        body = json.dumps(salesforce_change("006A")).encode()
        answer = client.post("/webhooks/salesforce", content=body, headers=relay_headers(body))
        assert answer.status_code == 200
        assert desk.get("006A").state.value == "open"

    def test_a_wrong_signature_or_an_old_one_is_refused(self, client: TestClient):
        body = json.dumps(salesforce_change("006A")).encode()
        wrong = {**relay_headers(body), "x-alignkit-signature": "sha256=00"}
        assert client.post("/webhooks/salesforce", content=body, headers=wrong).status_code == 401
        old = relay_headers(body, at=NOW - dt.timedelta(hours=1))
        assert client.post("/webhooks/salesforce", content=body, headers=old).status_code == 401
        missing = {k: v for k, v in relay_headers(body).items() if k != "x-alignkit-signature"}
        assert client.post("/webhooks/salesforce", content=body, headers=missing).status_code == 401

    def test_a_body_that_is_not_a_change_event(self, client: TestClient):
        for payload in ([1, 2], {"payload": {"StageName": "Closed Won"}}):
            body = json.dumps(payload).encode()
            answer = client.post("/webhooks/salesforce", content=body, headers=relay_headers(body))
            assert answer.status_code == 422


class TestMoves:
    def opened(self, client: TestClient, deal: int = 101) -> None:
        assert post_hubspot(client, [closed_won(deal, deal)]).status_code == 200

    def test_the_actor_is_the_tokens_never_the_bodys(self, client: TestClient, desk: HandoffDesk):
        self.opened(client)
        body = {"package": package_json("101"), "actor": "vp-ops"}
        answer = client.post("/handoffs/101/submit", json=body, headers=AE)
        assert answer.status_code == 200
        assert answer.json()["state"] == "submitted"
        assert desk.store.read("101")[-1].actor == "ae-1"

    def test_a_whole_handoff_over_http(self, client: TestClient):
        self.opened(client)
        client.post("/handoffs/101/submit", json={"package": package_json("101")}, headers=AE)
        flagged = client.post(
            "/handoffs/101/flag", json={"reason": "No data owner", "category": "scope"}, headers=OPS
        ).json()
        assert flagged["state"] == "flagged"
        assert flagged["flags"][0]["raised_by"] == "vp-ops"
        resolved = client.post(
            "/handoffs/101/resolve", json={"flag_id": flagged["flag_id"]}, headers=OPS
        )
        assert resolved.json()["flags"][0]["open"] is False
        again = client.post(
            "/handoffs/101/submit", json={"package": package_json("101")}, headers=AE
        )
        assert again.json()["state"] == "submitted"
        assert client.post("/handoffs/101/accept", headers=OPS).json()["state"] == "accepted"
        assert client.post("/handoffs/101/activate", headers=OPS).json()["state"] == "activated"
        shown = client.get("/handoffs/101", headers=AE).json()
        assert (shown["state"], shown["owner"], shown["package"]["customer"]) == (
            "activated",
            "ae-1",
            "Globex",
        )
        metrics = client.get("/metrics", headers=OPS).json()
        assert (metrics["opened"], metrics["accepted"], metrics["activated"]) == (1, 1, 1)
        assert metrics["flag_rate"] == 1.0

    def test_refusals_say_why_with_the_right_status(self, client: TestClient):
        self.opened(client)
        assert client.post("/handoffs/101/accept", headers=OPS).status_code == 409
        assert client.post("/handoffs/999/withdraw", headers=AE).status_code == 404
        assert client.post("/handoffs/101/launch", headers=AE).status_code == 404
        assert client.get("/handoffs/999", headers=AE).status_code == 404
        answer = client.post("/handoffs/101/withdraw", headers=OPS)
        assert answer.status_code == 403
        bad = client.post("/handoffs/101/submit", json={"package": {"deal_id": ""}}, headers=AE)
        assert bad.status_code == 422
        assert bad.json()["problems"]
        assert client.post("/handoffs/101/flag", json=[1], headers=OPS).status_code == 422
        assert (
            client.post("/handoffs/101/flag", json={"reason": "x"}, headers=OPS).status_code == 422
        )
        plain = {**AE, "content-type": "text/plain"}
        assert client.post("/handoffs/101/withdraw", content=b"x", headers=plain).status_code == 415

    def test_a_package_the_gate_refuses_lists_its_failures(self, client: TestClient):
        self.opened(client)
        package = {**package_json("101"), "artifacts": []}
        client.post("/handoffs/101/submit", json={"package": package}, headers=AE)
        answer = client.post("/handoffs/101/accept", headers=OPS)
        assert answer.status_code == 409
        assert {f["check"] for f in answer.json()["failures"]} >= {"signed-sow"}

    @pytest.mark.parametrize(
        "headers",
        [{}, {"authorization": "Bearer nope-nope-nope-nope"}, {"authorization": "Basic x"}],
    )
    def test_internal_routes_need_a_known_token(self, client: TestClient, headers: dict):
        self.opened(client)
        for answer in (
            client.get("/handoffs/101", headers=headers),
            client.post("/handoffs/101/withdraw", headers=headers),
            client.get("/metrics", headers=headers),
        ):
            assert answer.status_code == 401


class TestHealthAndLogs:
    def test_healthz_checks_the_store(self, tmp_path: Any):
        store = SQLiteStore(tmp_path / "desk.db")
        desk = HandoffDesk(ORG, store=store)
        with TestClient(create_app(desk, tokens=TOKENS)) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            store.close()
            answer = client.get("/healthz")
            assert answer.status_code == 503
            assert answer.json() == {"error": "the store cannot be read"}  # no detail given out

    def test_one_json_line_per_request(self, client: TestClient, caplog: pytest.LogCaptureFixture):
        with caplog.at_level(logging.INFO, logger="alignkit.service"):
            post_hubspot(client, [closed_won(101, 1)])
            client.get("/handoffs/101", headers=AE)
            client.get("/metrics")
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "alignkit.service"]
        assert [(x["path"], x["status"], x["deal_id"], x["actor"]) for x in lines] == [
            ("/webhooks/hubspot", 200, "101", None),
            ("/handoffs/101", 200, "101", "ae-1"),
            ("/metrics", 401, None, None),
        ]
        assert lines[0]["outcome"] == "received 1"
        assert all(x["ms"] >= 0 for x in lines)


class TestSecurity:
    def test_helpers_sign_as_the_recipes_say(self):
        body, stamp = b'[{"a":1}]', "1700000000000"
        expected = base64.b64encode(
            hmac.new(b"s", b"POSThttps://h.test/w" + body + stamp.encode(), hashlib.sha256).digest()
        ).decode()
        assert hubspot_signature("s", "post", "https://h.test/w", body, stamp) == expected
        relayed = hmac.new(b"s", b"1700000000." + body, hashlib.sha256).hexdigest()
        assert relay_signature("s", body, "1700000000") == f"sha256={relayed}"

    def test_verify_accepts_the_recipe_and_refuses_a_future_timestamp(self):
        body = b"[]"
        headers = hubspot_headers(body)
        verify_hubspot(HS_SECRET, "POST", f"{BASE}/webhooks/hubspot", body, headers, now=NOW)
        with pytest.raises(SignatureError, match="minutes from now"):
            verify_hubspot(
                HS_SECRET,
                "POST",
                f"{BASE}/webhooks/hubspot",
                body,
                headers,
                now=NOW - dt.timedelta(minutes=10),
            )
        verify_relay(SF_SECRET, body, relay_headers(body), now=NOW)

    @pytest.mark.parametrize(
        ("text", "said"),
        [
            ("ae-1", "pair 1 is not actor=token"),
            ("ae-1=short", "shorter than 16"),
            ("a=0123456789abcdef,b=0123456789abcdef", "given to both 'a' and 'b'"),
        ],
    )
    def test_bad_token_settings(self, text: str, said: str):
        with pytest.raises(SignatureError, match=said):
            Tokens.parse(text)

    def test_tokens(self):
        tokens = Tokens.parse(" a = 0123456789abcdef , ,b=fedcba9876543210")
        assert tokens.actors == {"a", "b"}
        assert tokens.actor("bearer fedcba9876543210") == "b"
        assert Tokens.parse("").actors == frozenset()


class TestServeCommand:
    """`alignkit serve` in process: uvicorn is stood in for, the app it was given is used."""

    EXAMPLE = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"

    def run(
        self,
        monkeypatch: pytest.MonkeyPatch,
        *arguments: str,
        serving: Any = None,
        **environment: str,
    ) -> Any:
        import uvicorn
        from click.testing import CliRunner

        from alignkit.cli import main

        served: dict[str, Any] = {}

        def run(server: Any) -> None:
            served.update(app=server.config)
            if serving is not None:
                serving(server.config)

        monkeypatch.setattr(uvicorn.Server, "run", run)
        for name in ("ALIGNKIT_HUBSPOT_SECRET", "ALIGNKIT_SALESFORCE_SECRET"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ALIGNKIT_SERVICE_TOKEN", "")
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(main, ["serve", *arguments])
        return result, served.get("app")

    def test_serves_the_desk_of_the_file_with_secrets_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ):
        def serving(config: Any) -> None:
            assert (config.host, config.port) == ("127.0.0.1", 8123)
            body = json.dumps([closed_won(555, 1)]).encode()
            with TestClient(config.app) as client:
                headers = hubspot_headers(body, at=dt.datetime.now(dt.UTC))
                answer = client.post("/webhooks/hubspot", content=body, headers=headers)
                assert answer.status_code == 200
                shown = client.get("/handoffs/555", headers=OPS).json()
                assert shown["owner"] == "sales-manager-mm"  # the example's owner rule
                assert client.post("/webhooks/salesforce", json={}).status_code == 503

        tokens = {"ALIGNKIT_SERVICE_TOKEN": "vp-ops=token-of-vp-ops-0123456789"}
        result, config = self.run(
            monkeypatch,
            "--file",
            str(self.EXAMPLE),
            "--store",
            str(tmp_path / "desk.db"),
            "--port",
            "8123",
            serving=serving,
            ALIGNKIT_HUBSPOT_SECRET=HS_SECRET,
            **tokens,
        )
        assert result.exit_code == 0, result.output
        assert config is not None
        with SQLiteStore(tmp_path / "desk.db", read_only=True) as store:
            assert len(store.read_all()) == 1  # committed, and the store closed at the end

    def test_a_store_with_events_this_version_cannot_read(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ):
        """Written by a newer alignkit (or another program): said plainly, exit 2."""
        from alignkit.store import NewEvent

        with SQLiteStore(tmp_path / "desk.db") as store:
            store.append("D-1", [NewEvent("x", "teleported", "crm", NOW)], expected_version=0)
        arguments = ("--file", str(self.EXAMPLE), "--store", str(tmp_path / "desk.db"))
        result, config = self.run(monkeypatch, *arguments)
        assert result.exit_code == 2
        assert "Unknown event kind 'teleported'" in result.output
        assert config is None
        from click.testing import CliRunner

        from alignkit.cli import main

        review = CliRunner().invoke(
            main, ["review", str(self.EXAMPLE), "--store", str(tmp_path / "desk.db")]
        )
        assert review.exit_code == 2
        assert "Unknown event kind 'teleported'" in review.output
        assert "Traceback" not in review.output

    def test_a_file_without_handoffs(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
        plain = tmp_path / "a.yaml"
        plain.write_text("version: 1\norg:\n  functions: [{name: Sales}]\n  people: []\n")
        result, _ = self.run(monkeypatch, "--file", str(plain), "--store", "d.db")
        assert result.exit_code == 2
        assert "no `handoffs:` section" in result.output

    def test_tokens_that_cannot_be_used(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
        store = str(tmp_path / "d.db")
        arguments = ("--file", str(self.EXAMPLE), "--store", store)
        malformed = {"ALIGNKIT_SERVICE_TOKEN": "x"}
        result, _ = self.run(monkeypatch, *arguments, **malformed)
        assert result.exit_code == 2
        assert "ALIGNKIT_SERVICE_TOKEN: pair 1 is not actor=token" in result.output
        stranger = {"ALIGNKIT_SERVICE_TOKEN": "nobody=0123456789abcdef0123"}
        result, _ = self.run(monkeypatch, *arguments, **stranger)
        assert result.exit_code == 2
        assert "names nobody, not people of the org" in result.output

    def test_a_store_or_file_that_cannot_be_opened(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ):
        dsn = "postgresql://me:hunter2@127.0.0.1:1/x"
        result, _ = self.run(monkeypatch, "--file", str(self.EXAMPLE), "--store", dsn)
        assert result.exit_code == 2
        assert "cannot connect" in result.output
        assert "hunter2" not in result.output
        result, _ = self.run(monkeypatch, "--file", str(self.EXAMPLE), "--store", ":memory:x/")
        bad = tmp_path / "bad.yaml"
        bad.write_text("version: 1\norg: [\n")
        result, _ = self.run(monkeypatch, "--file", str(bad), "--store", "x.db")
        assert result.exit_code == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
hubspot_like = st.fixed_dictionaries(
    {},
    optional={
        "eventId": st.integers() | st.text(max_size=5),
        "objectId": st.integers() | st.text(max_size=5) | st.none(),
        "propertyName": st.sampled_from(["dealstage", "amount"]) | st.text(max_size=5),
        "propertyValue": st.sampled_from(["closedwon", "closedlost"]) | json_values,
        "occurredAt": st.integers() | st.text(max_size=5) | st.none(),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["hubspot", "salesforce", "move"]),
    st.lists(hubspot_like, max_size=3) | json_values | st.binary(max_size=40),
    st.sampled_from(["submit", "flag", "resolve", "accept", "activate", "churn", "withdraw"]),
)
def test_bad_input_never_gets_a_500(route: str, payload: Any, move: str):
    """Any body, correctly signed or authenticated: an answer below 500, as JSON."""
    app = app_for(HandoffDesk(ORG, store=MemoryStore()))
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with TestClient(app) as client:
        post_hubspot(client, [closed_won(101, 1)])
        if route == "hubspot":
            answer = client.post("/webhooks/hubspot", content=body, headers=hubspot_headers(body))
        elif route == "salesforce":
            answer = client.post("/webhooks/salesforce", content=body, headers=relay_headers(body))
        else:
            headers = {**AE, "content-type": "application/json"}
            answer = client.post(f"/handoffs/101/{move}", content=body, headers=headers)
    assert answer.status_code < 500, answer.text
    assert isinstance(answer.json(), dict)
