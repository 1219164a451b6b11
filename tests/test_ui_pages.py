"""AppTest for every dashboard page against the small seeded store (tests/conftest.py ``seeded_store``):
pages load without exception, widgets change what is shown, charts carry data, the URL holds the view."""

from __future__ import annotations

import os
import re
import signal
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from apptest import assert_ok, figures, markdown, on_store, open_page, values
from conftest import ANT_SAMPLE, read_lines
from streamlit.testing.v1 import AppTest

from marsad.analytics.query import Query
from marsad.store import Store
from marsad.ui import combined
from marsad.ui.navigation import PAGES


@pytest.fixture
def app(seeded_store, monkeypatch):
    """An AppTest on the seeded store."""
    with on_store(monkeypatch, seeded_store.path) as open_on_it:
        yield open_on_it


# -- every page ------------------------------------------------------------------------------------------
EXPECTED_CHARTS = {"overview": 5, "trends": 0, "entities": 0, "topics": 3, "stories": 0, "map": 1, "search": 0, "sources": 3,
                   "ingest": 0, "alerts": 0}  # the seeded store has no stories: the Stories page says so


@pytest.mark.parametrize("slug", [p.slug for p in PAGES])
@pytest.mark.parametrize("ui", ["en", "ar"])
def test_every_page_loads_with_its_charts(app, slug, ui):
    at = app(slug, ui=ui)
    assert_ok(at)
    assert len(at.title) >= 1
    figs = figures(at)
    assert len(figs) == EXPECTED_CHARTS[slug]
    for fig in figs:
        assert any(values(tr.get("x") or tr.get("lat") or tr.get("z")) for tr in fig["data"]), fig["layout"]["title"]
        assert fig["layout"]["title"]["xanchor"] == ("right" if ui == "ar" else "left")


def test_arabic_interface_reads_right_to_left(app):
    at = app("overview", ui="ar")
    css = "\n".join(h.value for h in at.get("html"))
    assert "direction: rtl" in css
    assert at.title[0].value == "نظرة عامة"
    assert "stMain" not in "\n".join(h.value for h in app("overview").get("html"))


def test_language_switch_writes_the_url(app):
    at = app("overview")
    at.segmented_control(key="_ui_lang").set_value("ar").run()
    assert at.query_params.get("ui") == "ar"
    assert at.title[0].value == "نظرة عامة"


# -- overview ----------------------------------------------------------------------------------------------
def test_overview_split_by_source_changes_the_volume_chart(app):
    at = app("overview", all="1")  # the Reuters sample is from 1987, outside the default period
    by_language = {tr["name"] for tr in figures(at)[0]["data"]}
    assert by_language == {"Arabic", "English"}
    at.segmented_control(key="_p_overview_by").set_value("source").run()
    assert_ok(at)
    by_source = {tr["name"] for tr in figures(at)[0]["data"]}
    assert "REUTERS" in by_source and len(by_source) >= 3
    assert at.query_params.get("by") == "source"


def test_overview_entity_names_follow_interface_language(app):
    en = {y for fig in figures(app("overview")) for tr in fig["data"] for y in (tr.get("y") or []) if isinstance(y, str)}
    ar = {y for fig in figures(app("overview", ui="ar")) for tr in fig["data"] for y in (tr.get("y") or []) if isinstance(y, str)}
    assert "Iraq" in en and "العراق" in ar


def test_sidebar_language_filter_narrows_every_figure(app):
    at = app("overview", all="1")
    before = at.metric[0].value
    at.multiselect(key="_f_lang").set_value(["en"]).run()
    assert_ok(at)
    assert at.query_params.get("lang") == "en"
    assert int(at.metric[0].value.replace(",", "")) < int(before.replace(",", ""))
    assert {tr["name"] for tr in figures(at)[0]["data"]} == {"English"}


def test_shared_url_restores_filters(app):
    at = app("sources", lang="en", ui="ar", dups="1", all="1")
    assert_ok(at)
    assert at.multiselect(key="_f_lang").value == ["en"]
    assert at.toggle(key="_f_dups").value is True
    bars = figures(at)[0]["data"][0]
    assert list(bars["y"]) == ["REUTERS"]


@pytest.mark.parametrize("slug", ["overview", "trends", "entities", "topics", "map", "search", "sources"])
def test_filters_matching_nothing_explain_themselves(app, slug):
    at = app(slug, **{"from": "2030-01-01"}, sq="oil", entity="loc:العراق")
    assert_ok(at)
    assert figures(at) == [] or all(not values(tr.get("y") or tr.get("lat")) or max(values(tr.get("y") or [0])) == 0
                                    for f in figures(at) for tr in f["data"])


def test_bad_url_gives_a_message_not_a_traceback(app):
    at = app("overview", **{"from": "2018-13-45"})
    assert not at.exception
    assert any("2018-13-45" in e.value.replace("\\", "") for e in at.error)  # markdown-escaped: it quotes the URL


# -- the default period and "all time" ------------------------------------------------------------------------
def _articles(at: AppTest) -> int:
    return int(at.metric[0].value.replace(",", ""))


def _xs(fig: dict) -> list[str]:
    return [str(x) for tr in fig["data"] for x in tr["x"]]


def _span(store: Store, q: Query) -> tuple[date, date]:
    figs = combined.key_figures(store, q)
    return figs["first_date"].date(), figs["last_date"].date()


def test_opens_on_the_densest_period_and_all_time_is_one_click(app, seeded_store):
    """The seeded store holds Reuters articles of 1987 and more ANT articles of 2018: it opens on 2018, with no
    dates in the URL, and one click shows every date."""
    default, everything = _span(seeded_store, combined.default_view(seeded_store)), _span(seeded_store, combined.ALL_ARTICLES)
    assert default[0].year == default[1].year == 2018 and everything[0].year == 1987
    at = app("overview")
    assert_ok(at)
    assert at.date_input(key="_f_dates").value == default
    assert not {"from", "to", "all"} & set(at.query_params)
    densest = _articles(at)
    volume = figures(at)[0]
    assert all(x.startswith("2018") for x in _xs(volume))
    assert any(lbl.endswith("<br>2018") for lbl in volume["layout"]["xaxis"]["ticktext"])
    at.button(key="_f_all_time").click().run()
    assert_ok(at)
    assert at.date_input(key="_f_dates").value == everything
    assert at.query_params.get("all") == "1" and not {"from", "to"} & set(at.query_params)
    assert _articles(at) == combined.key_figures(seeded_store, Query())["articles"] > densest
    assert at.button(key="_f_all_time").disabled
    ticks = figures(at)[0]["layout"]["xaxis"]["ticktext"]  # a cut axis: each stretch names its year
    assert any(lbl.endswith("<br>1987") for lbl in ticks) and any(lbl.endswith("<br>2018") for lbl in ticks)
    assert app("overview", all="1").date_input(key="_f_dates").value == everything


@pytest.mark.parametrize("params", [
    {"from": "2018-03-01", "to": "2018-03-31"},
    {"from": "DEFAULT_START", "to": "DEFAULT_END"},  # the default period's own dates, named: kept as named
    {"from": "FIRST", "to": "LAST"},  # every dated day, named
    {"to": "1987-12-31"},
])
def test_a_link_with_dates_restores_exactly_those_dates(app, seeded_store, params):
    default, everything = _span(seeded_store, combined.default_view(seeded_store)), _span(seeded_store, combined.ALL_ARTICLES)
    named = {"DEFAULT_START": default[0], "DEFAULT_END": default[1], "FIRST": everything[0], "LAST": everything[1]}
    params = {k: str(named.get(v, v)) for k, v in params.items()}
    at = app("overview", **params)
    assert_ok(at)
    assert at.date_input(key="_f_dates").value == (date.fromisoformat(params.get("from", str(everything[0]))),
                                                   date.fromisoformat(params["to"]))
    assert {k: at.query_params.get(k) for k in params} == params and "all" not in at.query_params
    view = at.session_state["_marsad_query"]
    assert (view.start, view.end) == (Query.from_params(params).start, Query.from_params(params).end)


def test_picking_the_default_dates_again_drops_them_from_the_url(app, seeded_store):
    at = app("overview")
    at.date_input(key="_f_dates").set_value((date(2018, 3, 1), date(2018, 3, 31))).run()
    assert_ok(at)
    assert (at.query_params.get("from"), at.query_params.get("to")) == ("2018-03-01", "2018-03-31")
    at.date_input(key="_f_dates").set_value(_span(seeded_store, combined.default_view(seeded_store))).run()
    assert_ok(at)
    assert not {"from", "to", "all"} & set(at.query_params)


# -- trends ------------------------------------------------------------------------------------------------
def test_trends_series_from_query_entity_and_topic(app):
    at = app("trends", all="1")
    assert_ok(at)
    assert any("five" in i.value or "trend" in i.value for i in at.info)
    at.text_area(key="_p_trends_sq").set_value("ترامب\noil").run()
    at.multiselect(key="_p_trends_se").set_value(["loc:العراق"]).run()
    assert_ok(at)
    fig = figures(at)[0]
    assert [tr["name"] for tr in fig["data"]] == ["ترامب", "oil", "Iraq"]
    assert sum(values(fig["data"][1]["y"])) > 0
    assert at.query_params.get("se") == "loc:العراق"
    at.segmented_control(key="_p_trends_m").set_value("ratio").run()
    ratio = figures(at)[0]
    assert ratio["layout"]["yaxis"]["tickformat"] == ".1%"
    assert max(max(values(tr["y"])) for tr in ratio["data"]) <= 1.0


def test_trends_restored_from_url(app):
    at = app("trends", sq=["oil"], st="100", int="month")
    assert_ok(at)
    assert len(figures(at)[0]["data"]) == 2
    assert at.session_state["_p_trends_int"] == "month"
    assert "int" not in at.query_params or at.query_params["int"] == "month"


# -- entities ----------------------------------------------------------------------------------------------
def test_entity_list_filters_by_type_and_search(app):
    at = app("entities")
    assert_ok(at)
    assert len(at.dataframe[0].value) == 8
    at.selectbox(key="_p_entities_type").set_value("PER").run()
    assert at.dataframe[0].value.iloc[:, 0].tolist() == ["Donald Trump"]
    at.selectbox(key="_p_entities_type").set_value("ALL").run()
    at.text_input(key="_p_entities_eq").set_value("أوبك").run()
    assert at.dataframe[0].value.iloc[:, 0].tolist() == ["OPEC"]


@pytest.mark.parametrize(("ui", "first"), [("en", 0), ("ar", -1)])
def test_tables_run_from_the_right_in_arabic(app, ui, first):
    """st.dataframe lays columns out left to right: the Arabic interface gives them in reverse."""
    entities = app("entities", ui=ui).dataframe[0].value
    assert list(entities.columns)[first] == ("Entity" if ui == "en" else "الكيان")


@pytest.mark.parametrize(("ui", "name"), [("en", "Iraq"), ("ar", "العراق")])
def test_entity_page(app, ui, name):
    at = app("entities", entity="loc:العراق", ui=ui)
    assert_ok(at)
    assert name in markdown(at)
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert len(titles) == 4  # timeline, network, co-mention bar, sources
    network = figures(at)[1]
    assert any(tr.get("name") == "neighbours" and len(values(tr["x"])) >= 1 for tr in network["data"])
    assert "search?" in markdown(at)  # its articles link to the reader


def test_unknown_entity_is_a_warning(app):
    at = app("entities", entity="per:nobody")
    assert_ok(at)
    assert at.warning and "per:nobody" in at.warning[0].value


# -- topics, map, sources ------------------------------------------------------------------------------------
def test_topic_choice_changes_terms_and_articles(app):
    at = app("topics")
    first = markdown(at)
    labels = at.selectbox(key="_p_topics_t").options
    at.selectbox(key="_p_topics_t").set_value(at.selectbox(key="_p_topics_t").options[-1] and str(100 + len(labels) - 1)).run()
    assert_ok(at)
    assert markdown(at) != first
    assert at.query_params.get("t") == str(100 + len(labels) - 1)


def test_map_bubbles_and_place_filter_from_url(app):
    at = app("map")
    traces = figures(at)[0]["data"]
    bubbles = next(tr for tr in traces if tr.get("name") == "places")
    # cartesian (Streamlit reports clicks on it), over the offline outlines, one bubble per place
    assert {tr["type"] for tr in traces} == {"scatter"} and len(traces) == 3
    assert len(values(bubbles["y"])) == 5 and "loc:سوريا" in [c[0] for c in bubbles["customdata"]]
    filtered = app("map", ent="loc:سوريا")
    assert_ok(filtered)
    assert any("Syria" in i.value for i in filtered.info)
    assert int(app("overview", ent="loc:سوريا").metric[0].value.replace(",", "")) < int(app("overview").metric[0].value.replace(",", ""))


def test_clicking_a_bubble_filters_by_that_place(app, monkeypatch):
    """The selection event Streamlit sends for a click on a bubble (its customdata) filters every page; the
    chart then starts afresh, so removing the chip later does not bring the filter back."""
    from marsad.ui import components

    real, seen = components.chart, []

    def clicked_once(fig, *, key, **kwargs):
        event = real(fig, key=key, **kwargs)
        if key.startswith("_p_map_map-"):
            seen.append(key)
            if len(seen) == 1:
                bubbles = next(tr for tr in fig.data if tr.name == "places")
                syria = [list(c) for c in bubbles.customdata if c[0] == "loc:سوريا"]
                return SimpleNamespace(selection=SimpleNamespace(points=[{"customdata": syria[0]}], point_indices=[0]))
        return event

    monkeypatch.setattr(components, "chart", clicked_once)
    at = app("map")
    assert_ok(at)
    assert at.query_params.get("ent") == "loc:سوريا"
    assert any("Syria" in i.value for i in at.info)
    assert len(set(seen)) == 2  # a new chart key once the place filter is set


def test_picking_a_place_filters_by_it(app):
    at = app("map")
    at.selectbox(key="_p_map_place").set_value("loc:سوريا").run()
    assert_ok(at)
    assert at.query_params.get("ent") == "loc:سوريا"
    assert any("Syria" in i.value for i in at.info)


def test_sources_share_of_voice_sums_to_one(app):
    share = figures(app("sources"))[1]["data"][0]
    assert sum(values(share["x"])) == pytest.approx(1.0)


# -- search and reader ---------------------------------------------------------------------------------------
def test_search_highlights_hits_and_paginates(app):
    at = app("search")
    assert_ok(at)
    at.text_input(key="_p_search_q").set_value("ترامب").run()
    assert_ok(at)
    html = markdown(at)
    assert '<mark class="marsad-hit">ترامب</mark>' in html
    assert re.search("\u2066\\d{4}-\\d{2}-\\d{2}\u2069", html)  # dates keep their order beside Arabic outlet names
    assert at.query_params.get("q") == "ترامب"
    assert at.download_button  # CSV export of the results


def test_malformed_search_is_explained(app):
    at = app("search", q='"unclosed')
    assert not at.exception
    assert at.error


def test_reader_highlights_entities_with_links(app):
    listing = app("search", q="ترامب")
    first_id = markdown(listing).split("search?a=")[1].split('"')[0].split("&")[0]
    at = app("search", q="ترامب", a=first_id)
    assert_ok(at)
    html = markdown(at)
    assert 'class="marsad-ent marsad-ent-PER" href="entities?entity=per%3A%D8%AA%D8%B1%D8%A7%D9%85%D8%A8' in html
    assert '<div dir="rtl" class="marsad-rtl marsad-article">' in html


# -- ingest and the empty store -------------------------------------------------------------------------------
def _ant_jsonl(path: Path, n: int) -> Path:
    path.write_text("".join(read_lines(ANT_SAMPLE, n)), encoding="utf-8")
    return path


def test_ingest_upload_stores_and_reports(seeded_store_copy, monkeypatch, tmp_path):
    with on_store(monkeypatch, seeded_store_copy.path):
        at = open_page("ingest")
        assert_ok(at)
        data = _ant_jsonl(tmp_path / "ant.jsonl", 5).read_bytes()
        at.file_uploader[0].set_value([("ant.jsonl", data, "application/json"), ("bad.csv", b"\xff\xfe\x00garbage", "text/csv")])
        next(b for b in at.button if b.label == "Ingest").click().run()  # the form's button, not the sidebar's
        assert not at.exception, [e.value for e in at.exception]
        figures_shown = {m.label: m.value for m in at.metric}
        assert int(figures_shown["Read"]) >= 5
        assert int(figures_shown["Stored"]) + int(figures_shown["Exact duplicates"]) + int(figures_shown["Near-duplicates"]) >= 5


def test_empty_store_button_loads_the_demo_corpus_in_the_background(monkeypatch, tmp_path):
    """The button hands the load to the background process ``make run`` uses: the page answers at once with the
    progress notice (no button beside it) and, once the load is over, shows what it stored."""
    import time

    from conftest import SEED

    from marsad.ingest import demo_background
    from marsad.ingest.demo_progress import DemoProgress

    demo = tmp_path / "data" / "demo"
    demo.mkdir(parents=True)
    (demo / SEED.name).write_bytes(SEED.read_bytes())  # a one-page corpus: quick to enrich
    monkeypatch.setenv("MARSAD_DATA_DIR", str(tmp_path / "data"))  # the background process inherits it
    started = []

    def start(settings):
        started.append(real(settings))
        return started[-1]

    real = demo_background.start_background_load
    monkeypatch.setattr(demo_background, "start_background_load", start)
    tracker = DemoProgress(tmp_path / "empty.duckdb")
    with on_store(monkeypatch, tmp_path / "empty.duckdb"):
        at = open_page("overview")
        assert_ok(at)
        assert at.header[0].value == "The store is empty"
        at.button[-1].click().run()
        assert_ok(at)
        assert [s.outcome for s in started] == ["started"]
        try:
            # The notice names the stage under way (or the load is over already: one page loads fast), and the
            # panel's button is gone while it runs.
            assert any("the demo corpus" in i.value for i in at.info) or not tracker.unfinished
            assert "Load the demo corpus" not in [b.label for b in at.button]
            deadline = time.monotonic() + 120
            while tracker.unfinished or tracker.running:
                assert time.monotonic() < deadline, tracker.log_file.read_text(errors="replace")[-2000:]
                time.sleep(0.2)
        finally:
            if tracker.running:
                os.kill(started[0].pid, signal.SIGKILL)
        at = open_page("overview")
        assert_ok(at)
        assert not at.info and int(at.metric[0].value.replace(",", "")) == 1
        assert "demo load finished" in tracker.log_file.read_text(encoding="utf-8")


def test_a_cold_page_run_opens_the_store_once_per_block(app, monkeypatch):
    """Every analytics call of a page run shares one read-only connection (state.run_connection): the sidebar's
    block and the page's block open the store at most once each, however many calls miss the cache — the
    Overview's (about ten, several computed side by side by state.prefetch) included."""
    from marsad.store import db

    opened: list[bool] = []
    real = db.Store._open

    def counting(self, read_only):
        opened.append(read_only)
        return real(self, read_only)

    monkeypatch.setattr(db.Store, "_open", counting)
    st.cache_data.clear()
    at = app("overview")
    assert_ok(at)
    assert len(at.get("plotly_chart")) == EXPECTED_CHARTS["overview"]
    assert 1 <= len(opened) <= 2 and all(opened)
    opened.clear()
    at.switch_page("src/marsad/ui/pages/sources.py").run()
    assert_ok(at)
    assert len(opened) == 1


# -- undated articles ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ui, caption", [("en", "4 undated articles are not on the time axis"),
                                         ("ar", "4 مقالات غير مؤرخة ليست على المحور الزمني")])
def test_time_chart_counts_undated_articles_and_links_to_them(undated_store, monkeypatch, ui, caption):
    with on_store(monkeypatch, undated_store.path):
        at = open_page("overview", ui=ui, src="wire", all="1")
        assert_ok(at)
        html = markdown(at)
        assert caption in html
        link = re.search(r'href="(search\?[^"]+)"', html.split(caption, 1)[1]).group(1).replace("&amp;", "&")
        assert {"undated=1", "all=1", "src=wire"} <= set(link.split("?", 1)[1].split("&"))
        assert "undated" not in markdown(open_page("overview", ui=ui, src="daily", all="1"))  # none: no caption
        listed = open_page("search", **dict(kv.split("=", 1) for kv in link.split("?", 1)[1].split("&")))
        assert_ok(listed)
        assert sorted(re.findall(r"wire (\d+)</a>", markdown(listed)), key=int) == ["1", "2", "3", "4"]
