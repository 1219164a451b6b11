"""The Alerts page's Briefing block (marsad.ui.briefing) in an AppTest on the seeded store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from apptest import TIMEOUT, on_store
from streamlit.testing.v1 import AppTest

from marsad import analytics
from marsad.analytics import Query
from marsad.report import pdf_available
from marsad.ui import briefing, i18n

QUERY = Query(text="العراق OR Iraq")


def _block(lang: str, query_url: str) -> None:  # an AppTest script: its source runs on its own, so it imports here
    from marsad.analytics import Query
    from marsad.ui import briefing

    briefing.briefing_buttons("حدود <b>العراق</b>", Query.from_url(query_url), lang)


@pytest.fixture
def block(seeded_store, monkeypatch):
    with on_store(monkeypatch, seeded_store.path):
        yield lambda lang: AppTest.from_function(_block, kwargs={"lang": lang, "query_url": QUERY.to_url()},
                                                 default_timeout=TIMEOUT).run()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_week_to_the_latest_article_and_the_buttons(block, seeded_store, lang):
    at = block(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == i18n.t("briefing", lang)
    last = analytics.overview_figures(seeded_store, QUERY)["last_date"].date()
    assert at.date_input[0].value == (last - timedelta(days=briefing.DEFAULT_DAYS - 1), last)
    buttons = at.get("download_button")
    assert len(buttons) == (2 if pdf_available() else 1)
    assert buttons[0].proto.label == i18n.t("briefing_html", lang)


def test_half_a_range_asks_for_its_end(block):
    at = block("en")
    at.date_input[0].set_value((at.date_input[0].value[0],)).run()
    assert not at.exception and not at.get("download_button")
    assert at.caption[0].value == i18n.t("briefing_pick_end", "en")


def test_file_names_are_ascii():
    from datetime import date

    assert briefing.file_name((date(2018, 4, 1), date(2018, 4, 7)), "pdf") == "marsad-briefing-2018-04-01_2018-04-07.pdf"


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_the_alerts_page_offers_the_monitors_briefing(seeded_store_copy, monkeypatch, ui):
    from marsad.monitor import create_monitor

    create_monitor(seeded_store_copy, "Iraq <b>", QUERY)  # no alert yet: the briefing is offered all the same
    with on_store(monkeypatch, seeded_store_copy.path) as open_page:
        at = open_page("alerts", ui=ui)
    assert not at.exception, [e.value for e in at.exception]
    assert i18n.t("briefing", ui) in [h.value for h in at.subheader]
    last = analytics.overview_figures(seeded_store_copy, QUERY)["last_date"].date()
    assert at.date_input[0].value[1] == last
    labels = [b.proto.label for b in at.get("download_button")]  # the monitor's Atom feed, then the briefing
    assert labels[:2] == [i18n.t("monitor_feed_download", ui), i18n.t("briefing_html", ui)]
