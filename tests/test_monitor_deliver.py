import email
import email.policy
import json
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from local_server import LocalServer, free_port, send
from monitor_store import DAY0, DAYS, add_day, build

from marsad.analytics import Query
from marsad.config import Settings
from marsad.monitor import create_monitor, run_monitors
from marsad.monitor.deliver import deliver_pending
from marsad.store.monitors import list_alerts

FAST = {"allow_private_networks": True, "delivery_backoff_s": 0.01, "fetch_timeout_s": 5.0}


@pytest.fixture
def store(tmp_path):
    return build(tmp_path / "m.duckdb")


def _fire(store, settings, **monitor):
    create_monitor(store, "opec", Query(entities=("org:opec",)), **monitor)
    add_day(store, DAY0 + timedelta(days=DAYS), 1, ["org:opec"], title="<b>OPEC</b> & \u202eoil")
    return run_monitors(store, settings=settings)


def test_webhook_gets_one_json_post_per_alert(store):
    server = LocalServer(lambda h: send(h, 204, b""))
    try:
        settings = Settings(db_path=store.path, **FAST)
        records = _fire(store, settings, webhook=f"{server.base}/hook?k=1")
    finally:
        server.close()
    assert server.paths() == ["/hook?k=1"] and len(server.posted) == 1
    body = json.loads(server.posted[0])
    assert body["monitor"] == "opec" and body["rule"] == "articles" and body["summary"] == "opec: 1 new article"
    assert {"fired_at", "query", "detail", "articles"} <= set(body) and not {"read", "delivery"} & set(body)
    assert body["articles"][0]["title"].startswith("<b>OPEC</b> & \u202eoil")
    assert server.requests[0][1]["Content-Type"].startswith("application/json")
    assert [(a["delivery"], a["delivery_error"]) for a in list_alerts(store)] == [("sent", None)]
    assert records[0]["delivery"] == "pending"  # as fired; the outcome is stored afterwards


def test_webhook_retried_with_backoff_then_sent(store):
    answers = iter([500, 503, 200])
    server = LocalServer(lambda h: send(h, next(answers), b"ok"))
    try:
        _fire(store, Settings(db_path=store.path, **FAST), webhook=f"{server.base}/hook")
    finally:
        server.close()
    assert len(server.posted) == 3
    assert list_alerts(store)[0]["delivery"] == "sent"


def test_failure_is_stored_with_its_reason(store):
    server = LocalServer(lambda h: send(h, 500, b"no"))
    try:
        _fire(store, Settings(db_path=store.path, **FAST), webhook=f"{server.base}/hook")
    finally:
        server.close()
    assert len(server.posted) == 3  # delivery_attempts
    alert = list_alerts(store)[0]
    assert alert["delivery"] == "failed" and alert["delivery_error"].startswith("webhook: ")
    assert "HTTP 500" in alert["delivery_error"]


def test_webhook_to_a_private_address_is_refused_like_a_fetch(store):
    server = LocalServer(lambda h: send(h, 200, b""))
    try:
        _fire(store, Settings(db_path=store.path, delivery_backoff_s=0.01), webhook=f"{server.base}/hook")
    finally:
        server.close()
    assert server.posted == []
    assert "loopback address and allow_private_networks is off" in list_alerts(store)[0]["delivery_error"]


def test_a_hanging_webhook_is_bounded(store):
    def hang(h):
        server.release.wait(30)

    server = LocalServer(hang)
    settings = Settings(db_path=store.path, **{**FAST, "fetch_timeout_s": 0.5, "delivery_deadline_s": 1.0})
    try:
        started = time.monotonic()
        _fire(store, settings, webhook=f"{server.base}/hook")
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 10  # the run's evaluation plus at most deadline + one attempt's limit for delivery
    alert = list_alerts(store)[0]
    assert alert["delivery"] == "failed" and "took longer than 0.5 s" in alert["delivery_error"]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = _Inbox()
    # aiosmtpd's Controller checks its server by connecting to the port it was given, so port 0 will not do.
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_email_through_a_local_smtp_server(store, smtp):
    controller, inbox = smtp
    settings = Settings(db_path=store.path, smtp_host="127.0.0.1", smtp_port=controller.port,
                        smtp_starttls=False, smtp_sender="marsad@example.org", **FAST)
    _fire(store, settings, email="analyst@example.org")
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["analyst@example.org"] and envelope.mail_from == "marsad@example.org"
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "[Marsad] opec: 1 new article" and mail["Date"].datetime is not None
    assert mail["Message-ID"].strip().startswith("<") and mail["Message-ID"].endswith("@example.org>")
    lines = mail.get_content().splitlines()
    assert lines[0] == "opec: 1 new article" and lines[3].startswith("  https://wire.example/")
    assert lines[2].startswith("- <b>OPEC</b> & oil ")  # the title's bidi override is gone, its text kept as typed
    assert list_alerts(store)[0]["delivery"] == "sent"


def test_email_logs_in_with_the_configured_credentials(store):
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = _Inbox()
    # Login over plain TCP only because this test server allows it; real servers want STARTTLS first.
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        settings = Settings(db_path=store.path, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False,
                            smtp_user="desk", smtp_password="s3cret", **FAST)
        _fire(store, settings, email="analyst@example.org")
    finally:
        controller.stop()
    assert logins == [(b"desk", b"s3cret")] and len(inbox.messages) == 1


def test_starttls_refused_by_the_server_fails_clearly(store, smtp):
    controller, _ = smtp
    settings = Settings(db_path=store.path, smtp_host="127.0.0.1", smtp_port=controller.port,
                        smtp_starttls=True, **FAST)
    _fire(store, settings, email="analyst@example.org")
    error = list_alerts(store)[0]["delivery_error"]
    assert error.startswith("e-mail: e-mail to analyst@example.org via 127.0.0.1:") and "STARTTLS" in error


def test_email_without_a_server_says_so(store):
    _fire(store, Settings(db_path=store.path, **FAST), email="analyst@example.org")
    assert "e-mail is not configured" in list_alerts(store)[0]["delivery_error"]


def test_pending_alerts_wait_for_the_next_run(store):
    server = LocalServer(lambda h: send(h, 200, b""))
    try:
        settings = Settings(db_path=store.path, **FAST)
        create_monitor(store, "opec", Query(entities=("org:opec",)), webhook=f"{server.base}/hook")
        add_day(store, DAY0 + timedelta(days=DAYS), 1, ["org:opec"])
        run_monitors(store, settings=settings, deliver=False)  # stored, not sent (a run stopped before delivery)
        assert [a["delivery"] for a in list_alerts(store)] == ["pending"] and server.posted == []
        assert deliver_pending(store, settings=replace(settings, delivery_deadline_s=0)) == {1: "pending"}
        assert list(deliver_pending(store, settings=settings).values()) == ["sent"]
        assert deliver_pending(store, settings=settings) == {}
    finally:
        server.close()
    assert len(server.posted) == 1


def test_delivery_runs_in_parallel(store):
    gate = threading.Barrier(2, timeout=5)

    def both_at_once(h):
        gate.wait()  # fails (500) unless two posts are in flight together
        send(h, 200, b"")

    server = LocalServer(both_at_once)
    try:
        settings = Settings(db_path=store.path, **{**FAST, "delivery_attempts": 1})
        create_monitor(store, "opec", Query(entities=("org:opec",)), webhook=f"{server.base}/a")
        create_monitor(store, "iraq", Query(entities=("loc:iraq",)), webhook=f"{server.base}/b")
        add_day(store, DAY0 + timedelta(days=DAYS), 1, ["org:opec", "loc:iraq"])
        run_monitors(store, settings=settings)
    finally:
        server.close()
    assert [a["delivery"] for a in list_alerts(store)] == ["sent", "sent"] and len(server.posted) == 2
