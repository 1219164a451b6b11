"""Delivery of stored alerts: a JSON POST per alert to the monitor's webhook and/or a mail to its address.

Alerts are delivered after the run that fired them has committed them (delivery never holds a store
transaction), each channel tried ``settings.delivery_attempts`` times with exponential backoff, all of a run's
deliveries in parallel and within ``settings.delivery_deadline_s``. The outcome is stored with the alert: ``sent``,
or ``failed`` with the reason per channel (logged, and shown on the Alerts page). An alert still ``pending`` when
the deadline passes (or when the process was stopped) is tried again by the next run.

Webhooks go through :func:`marsad.ingest.fetch.post`: the same address checks as every fetch (no loopback or
private network unless ``allow_private_networks``), a total time limit, no redirects.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from marsad.config import Settings
from marsad.errors import DeliveryError, MarsadError
from marsad.ingest.fetch import post
from marsad.monitor.payload import AlertRecord, alert_records
from marsad.store import Store
from marsad.store import monitors as saved
from marsad.text.bidi import plain_text

LOGGER = logging.getLogger(__name__)

# Deliveries at once: a handful of slow webhooks must not queue behind each other, nor open hundreds of sockets.
MAX_PARALLEL = 4


def _retried(send: Callable[[], None], *, settings: Settings, deadline: float, sleep: Callable[[float], None]) -> None:
    """``send()`` until it succeeds, at most ``delivery_attempts`` times, backing off 1×, 2×, 4× … the base delay;
    no new attempt starts past ``deadline`` (monotonic). Raises the last error."""
    delay = settings.delivery_backoff_s
    for attempt in range(1, settings.delivery_attempts + 1):
        try:
            send()
            return
        except MarsadError as exc:
            LOGGER.info("delivery attempt %d failed: %s", attempt, exc.message)
            if attempt == settings.delivery_attempts or time.monotonic() + delay >= deadline:
                raise
        sleep(delay)
        delay *= 2


# An alert's inbox state says nothing to the receiver (and "pending" would be wrong by the time it arrives).
_INBOX_FIELDS = ("read", "delivery", "delivery_error")


def post_webhook(url: str, record: AlertRecord, *, settings: Settings) -> None:
    """POST the alert as JSON: the fields ``marsad monitors run --json`` prints, less its inbox state."""
    payload = {k: v for k, v in record.items() if k not in _INBOX_FIELDS}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    post(url, body, settings=settings, content_type="application/json; charset=utf-8")


def mail_text(record: AlertRecord) -> str:
    """The alert as a plain-text mail body: the summary, each article (title, outlet, time, link), the view."""
    lines = [record["summary"], ""]
    for a in record["articles"]:
        when = (a["published_at"] or "undated")[:16].replace("T", " ")
        lines.append(f"- {a['title'] or '(untitled)'} — {a['source_name'] or a['source']}, {when}")
        if a["url"]:
            lines.append(f"  {a['url']}")
    lines += ["", f"Monitor view: ?{record['query']}", f"Fired at {record['fired_at']} UTC by Marsad."]
    # Titles are untrusted: a bidi override in one would reverse the rest of its line in the reader's mail client.
    return plain_text("\n".join(lines)) + "\n"


def send_mail(address: str, record: AlertRecord, *, settings: Settings) -> None:
    """Mail ``record`` to ``address`` through the configured SMTP server (STARTTLS and login when set)."""
    if not settings.smtp_host:
        raise DeliveryError("e-mail is not configured (set smtp_host in marsad.toml or MARSAD_SMTP_HOST)")
    msg = EmailMessage()
    msg["From"] = settings.smtp_sender
    msg["To"] = address
    msg["Subject"] = f"[Marsad] {record['summary']}"
    # Date and Message-ID: servers and spam filters expect both, and a client that adds none leaves them out.
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(idstring=f"marsad-alert-{record['id']}", domain=settings.smtp_sender.rpartition("@")[2] or None)
    msg.set_content(mail_text(record))
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.fetch_timeout_s) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        raise DeliveryError(f"e-mail to {address} via {settings.smtp_host}:{settings.smtp_port} failed ({reason})",
                            detail=repr(exc)) from exc


def _deliver(record: AlertRecord, monitor: saved.MonitorRow, *, settings: Settings, deadline: float,
             sleep: Callable[[float], None]) -> tuple[str, str | None]:
    """Every channel of ``monitor`` for one alert: (``sent``, None), (``failed``, the failures one per channel),
    or (``pending``, None) when the run's deadline passed before its turn came."""
    if time.monotonic() >= deadline:
        return "pending", None
    errors = []
    channels: list[tuple[str, Callable[[], None]]] = []
    if monitor["webhook"]:
        channels.append(("webhook", lambda: post_webhook(monitor["webhook"], record, settings=settings)))  # type: ignore[arg-type]
    if monitor["email"]:
        channels.append(("e-mail", lambda: send_mail(monitor["email"], record, settings=settings)))  # type: ignore[arg-type]
    for name, send in channels:
        try:
            _retried(send, settings=settings, deadline=deadline, sleep=sleep)
        except MarsadError as exc:
            errors.append(f"{name}: {exc.message}")
    return ("failed", "; ".join(errors)) if errors else ("sent", None)


def deliver_pending(store: Store, *, settings: Settings, sleep: Callable[[float], None] = time.sleep) -> dict[int, str]:
    """Deliver every pending alert; alert id → ``sent`` / ``failed`` / ``pending`` (its turn came after the
    deadline). The outcomes are stored with the alerts. No attempt starts after the deadline, so this ends within
    ``delivery_deadline_s`` plus one attempt's time limit (``fetch_timeout_s``)."""
    pending = saved.list_alerts(store, delivery="pending")
    if not pending:
        return {}
    monitors = {m["id"]: m for m in saved.list_monitors(store)}
    records = alert_records(store, pending)
    deadline = time.monotonic() + settings.delivery_deadline_s
    outcomes: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL, thread_name_prefix="marsad-deliver") as pool:
        futures = {
            r["id"]: pool.submit(_deliver, r, monitors[a["monitor_id"]], settings=settings, deadline=deadline, sleep=sleep)
            for r, a in zip(records, pending, strict=True)
        }
        for alert_id, future in futures.items():
            status, error = future.result()
            if status == "failed":
                LOGGER.warning("alert %d not delivered: %s", alert_id, error)
            if status != "pending":
                saved.set_delivery(store, alert_id, status=status, error=error)
            outcomes[alert_id] = status
    return outcomes
