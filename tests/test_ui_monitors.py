"""AppTest for the Alerts page and the sidebar's "Save this view as a monitor" form, on a copy of the seeded store."""

from __future__ import annotations

from datetime import datetime

import pytest
from apptest import assert_ok, markdown, on_store, open_page

from marsad.analytics import Query
from marsad.monitor import create_monitor, load_monitor
from marsad.store import monitors as saved
from marsad.ui.monitors import alert_summary, articles_html, feed_command, query_html

HOSTILE = '<script>alert(1)</script> & "x"'


@pytest.fixture
def store(seeded_store_copy, monkeypatch):
    with on_store(monkeypatch, seeded_store_copy.path):
        yield seeded_store_copy


def _with_alerts(store) -> saved.MonitorRow:
    create_monitor(store, "iraq <b>", Query(entities=("loc:العراق",)), webhook="https://hooks.example/x")
    monitor = saved.get_monitor(store, "iraq <b>")
    with store.write() as con:  # one article titled with markup, to see it escaped
        con.execute("UPDATE articles SET title = ? WHERE id = 2", [HOSTILE])
    when = datetime(2026, 1, 2, 3, 4)
    saved.record_alerts(store, monitor["id"], [
        saved.NewAlert(rule="articles", article_ids=[2, 3], detail={"count": 2}),
        saved.NewAlert(rule="entity", article_ids=[3],
                       detail={"entities": [{"key": "org:opec", "name_ar": "أوبك", "name_en": "OPEC", "type": "ORG"}]}),
    ], fired_at=when, deliver=True)
    saved.set_delivery(store, 1, status="failed", error="webhook: https://hooks.example/x: HTTP 500 <oops>")
    return monitor


@pytest.mark.parametrize("ui, text", [("en", "No monitors yet"), ("ar", "لا مراصد بعد")])
def test_no_monitors_says_how_to_make_one(store, ui, text):
    at = open_page("alerts", ui=ui)
    assert_ok(at)
    assert text in at.info[0].value


def test_inbox_lists_alerts_escaped_with_links_and_failures(store):
    _with_alerts(store)
    at = open_page("alerts")
    assert_ok(at)
    assert at.title[0].value == "Alerts"
    assert at.selectbox(key="_p_alerts_monitor").format_func("iraq <b>") == "\u2068iraq <b>\u2069 (2 unread)"
    html = markdown(at)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in html
    assert "2 new articles" in html and "Newly co-mentioned: \u2068OPEC\u2069" in html
    assert 'href="search?a=2"' in html and 'href="search?a=3"' in html
    assert 'href="search?ent=loc%3A%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82&amp;all=1"' in html  # the monitor's view
    assert '<div dir="ltr" class="marsad-ltr marsad-failed">Not delivered: webhook: https://hooks.example/x: HTTP 500 &lt;oops&gt;</div>' in html
    assert [c.value for c in at.caption if c.value.startswith("Delivery")] == ["Delivery pending"]


def test_mark_read_and_unread_filter(store):
    _with_alerts(store)
    at = open_page("alerts")
    next(b for b in at.button if b.key == "alert-read-2").click().run()
    assert_ok(at)
    assert [a["read"] for a in saved.list_alerts(store)] == [True, False]
    at.segmented_control(key="_p_alerts_show").set_value("unread").run()
    assert at.query_params["show"] in ("unread", ["unread"]) and "Newly co-mentioned" not in markdown(at)
    at.button(key="alerts-all-read").click().run()
    assert_ok(at)
    assert all(a["read"] for a in saved.list_alerts(store)) and "No alerts here." in at.info[0].value


def test_arabic_inbox(store):
    _with_alerts(store)
    at = open_page("alerts", ui="ar")
    assert_ok(at)
    html = markdown(at)
    assert "مقالتان جديدتان" in html and "يُذكر معه لأول مرة: \u2068أوبك\u2069" in html
    assert "\u20662026-01-02 03:04 UTC\u2069" in html  # kept in reading order inside the Arabic page
    assert at.selectbox(key="_p_alerts_monitor").format_func("iraq <b>") == "\u2068iraq <b>\u2069 (تنبيهان غير مقروءين)"


def test_save_this_view_as_a_monitor(store):
    at = open_page("search", q="الحدود", lang="ar")
    assert_ok(at)
    at.text_input(key="_mon_name").input("حدود")
    at.text_input(key="_mon_email").input("analyst@example.org")
    next(b for b in at.button if b.label == "Save monitor").click().run()
    assert_ok(at)
    monitor = load_monitor(store, "حدود")
    assert monitor.query == Query(text="الحدود", languages=("ar",)) and monitor.email == "analyst@example.org"
    assert "Monitor “\u2068حدود\u2069” saved." in markdown(at)


def test_saving_a_bad_monitor_explains(store):
    at = open_page("overview")
    at.text_input(key="_mon_name").input("x")
    next(b for b in at.button if b.label == "Save monitor").click().run()
    assert "something to watch" in at.error[0].value  # the view has no filters: nothing to watch
    assert saved.list_monitors(store) == []


@pytest.mark.parametrize(("alert", "ui", "text"), [
    ({"rule": "spike", "detail": {"day": "2020-09-25", "count": 9, "baseline": 1.0}, "article_ids": [1]}, "en",
     "Coverage burst on 2020-09-25: 9 articles (usually 1 a day)"),
    ({"rule": "articles", "detail": {}, "article_ids": [1, 2, 3]}, "ar", "3 مقالات جديدة"),
    ({"rule": "entity", "detail": {"entities": [{"key": "per:x", "name_ar": None, "name_en": None}]}, "article_ids": [1]},
     "en", "Newly co-mentioned: \u2068per:x\u2069"),
    ({"rule": "entity", "detail": {"entities": [{"key": "org:opec", "name_ar": "أوبك", "name_en": "OPEC"},
                                                {"key": "per:x", "name_ar": None, "name_en": "X \u202e<b>"}]},
      "article_ids": [1]}, "ar", "يُذكر معه لأول مرة: \u2068أوبك\u2069، \u2068X <b>\u2069"),  # no override left
])
def test_alert_summary(alert, ui, text):
    assert alert_summary(alert, ui) == text


def test_an_upload_runs_the_monitors(store, tmp_path):
    create_monitor(store, "harbour", Query(text="harbour"))
    at = open_page("ingest", timeout=180)  # the upload enriches: NER models load on a shared machine
    page = ("The harbour reopened\n\nThe harbour of the city reopened today after a week of storms, the port "
            "authority said, and the first ships came in at noon. " * 3).encode()
    at.file_uploader[0].set_value([("harbour.txt", page, "text/plain")])
    next(b for b in at.button if b.label == "Ingest").click().run()
    assert_ok(at)
    assert '1 new alert · <a href="alerts" target="_self">Open the alerts</a>' in markdown(at)
    assert [a["rule"] for a in saved.list_alerts(store)] == ["articles"]


def test_a_failed_delivery_can_be_retried(store, monkeypatch):
    from local_server import LocalServer, send

    server = LocalServer(lambda h: send(h, 200, b""))
    monkeypatch.setenv("MARSAD_ALLOW_PRIVATE_NETWORKS", "1")  # the receiver is on 127.0.0.1
    try:
        create_monitor(store, "hook", Query(languages=("en",)), webhook=f"{server.base}/hook")
        monitor = saved.get_monitor(store, "hook")
        saved.record_alerts(store, monitor["id"], [saved.NewAlert(rule="articles", article_ids=[2], detail={})],
                            fired_at=datetime(2026, 1, 2), deliver=True)
        saved.set_delivery(store, 1, status="failed", error="webhook: HTTP 503 Service Unavailable")
        at = open_page("alerts")
        assert_ok(at)
        at.button(key="alert-retry-1").click().run()
        assert_ok(at)
    finally:
        server.close()
    assert len(server.posted) == 1
    assert [(a["delivery"], a["delivery_error"]) for a in saved.list_alerts(store)] == [("sent", None)]
    assert "marsad-failed" not in markdown(at) and "Delivered" in [c.value for c in at.caption]


def test_the_feed_command_names_the_monitor_quoted(store):
    _with_alerts(store)
    at = open_page("alerts")
    assert_ok(at)
    assert [c.value for c in at.code] == ["marsad monitors feed 'iraq <b>'"]
    assert feed_command("it's") == "marsad monitors feed 'it'\"'\"'s'"


# -- bidi: user text isolated wherever the Alerts page shows it ----------------------------------------------
@pytest.mark.parametrize(("query", "html"), [
    (Query(text="ترامب كوريا"), '<span dir="ltr">q=<span dir="auto">ترامب كوريا</span></span>'),
    (Query(text="<i>x</i> & y", languages=("ar", "en"), entities=("org:a&b",)),
     '<span dir="ltr">q=<span dir="auto">&lt;i&gt;x&lt;/i&gt; &amp; y</span>&amp;lang=<span dir="auto">ar</span>'
     '&amp;lang=<span dir="auto">en</span>&amp;ent=<span dir="auto">org:a&amp;b</span></span>'),
])
def test_the_query_line_isolates_each_value(query, html):
    assert query_html(query) == html


def test_an_article_line_isolates_its_outlet_and_date():
    html = articles_html([{"id": 7, "title": "t", "source_name": "سكاي نيوز", "published_at": "2018-05-01T10:00"}], "en")
    assert '<div class="marsad-meta">\u2068سكاي نيوز\u2069 · \u20662018-05-01\u2069</div>' in html


def test_an_arabic_monitor_reads_right_on_the_alerts_page(store):
    create_monitor(store, "ترامب", Query(text="ترامب كوريا", languages=("ar",)))
    at = open_page("alerts", ui="ar")
    assert_ok(at)
    assert ('<span dir="ltr">q=<span dir="auto">ترامب كوريا</span>&amp;lang=<span dir="auto">ar</span></span>'
            in markdown(at))


# -- editing and removing --------------------------------------------------------------------------------------
def test_edit_a_monitor_on_the_alerts_page(store):
    create_monitor(store, "border", Query(text="الحدود", languages=("ar",)))
    baseline = saved.seen_articles(store, 1)
    at = open_page("alerts")
    assert_ok(at)
    at.text_input(key="_mon_edit_1_q").input("الحدود OR العراق")
    at.multiselect(key="_mon_edit_1_ent").set_value(["loc:العراق"])
    at.text_input(key="_mon_edit_1_webhook").input("https://hooks.example/border")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert_ok(at)
    edited = load_monitor(store, "border")
    assert edited.query == Query(text="الحدود OR العراق", languages=("ar",), entities=("loc:العراق",))
    assert edited.webhook == "https://hooks.example/border" and edited.email is None
    assert saved.seen_articles(store, 1) >= baseline  # what the new search matches now joined the baseline
    assert at.success[0].value == "Monitor “\u2068border\u2069” changed\\."  # markdown-escaped
    assert 'q=<span dir="auto">الحدود OR العراق</span>' in markdown(at)


def test_a_refused_edit_says_why_and_changes_nothing(store):
    before = create_monitor(store, "border", Query(text="الحدود"))
    at = open_page("alerts")
    at.text_input(key="_mon_edit_1_webhook").input("ftp://example.org/")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert "not an http\\(s\\) URL" in at.error[0].value  # markdown-escaped
    assert load_monitor(store, "border") == before


def test_remove_a_monitor_after_confirming(store):
    _with_alerts(store)
    at = open_page("alerts", monitor="iraq <b>")
    assert_ok(at)
    at.button(key="monitor-remove-1").click().run()
    assert at.warning[0].value.startswith("Remove monitor “\u2068iraq \\<b\\>\u2069” with its alerts \\(2\\)?")
    at.button(key="monitor-remove-no-1").click().run()  # cancelled: nothing removed, no question left
    assert not at.warning and load_monitor(store, "iraq <b>").id == 1
    at.button(key="monitor-remove-1").click().run()
    at.button(key="monitor-remove-yes-1").click().run()
    assert_ok(at)
    assert saved.list_monitors(store) == [] and saved.list_alerts(store) == []
    assert at.success[0].value == "Monitor “\u2068iraq \\<b\\>\u2069” removed\\."
    assert "No monitors yet" in at.info[0].value and "monitor" not in at.query_params
    create_monitor(store, "oil", Query(text="oil"))  # the removed monitor's id again: its form starts afresh
    at.run()
    assert_ok(at)
    assert at.text_input(key="_mon_edit_1_q").value == "oil"
