"""Ingest: upload files (txt, html, jsonl, csv, zip, rss, warc) → progress → summary and rejects, through the
ingestion pipeline (search index and enrichment run after each stored batch, as with `marsad ingest`), then the saved
monitors."""

import pandas as pd
import streamlit as st

from marsad.monitor import run_monitors
from marsad.ui import components, loading, render, state
from marsad.ui.i18n import plural, t

lang = state.lang()
st.title(t("page_ingest", lang))

with st.form("ingest-form", clear_on_submit=True):
    files = st.file_uploader(t("upload", lang), type=list(loading.UPLOAD_TYPES), accept_multiple_files=True,
                             help=t("upload_help", lang))
    source = st.text_input(t("source_override", lang))
    submitted = st.form_submit_button(t("run_ingest", lang), type="primary")

if submitted and not files:
    st.warning(t("choose_files", lang))
elif submitted:
    with st.status(t("ingesting", lang), expanded=True) as status:
        bar = st.progress(0.0)
        report = loading.ingest_uploads(files, settings=state.settings(), source=source.strip() or None,
                                        progress=loading.progress_to(bar))
        status.update(label=t("summary", lang), state="complete" if report.stored or not report.rejected else "error")
    state.clear_caches()
    st.session_state["_last_ingest"] = report.as_dict()
    # The saved monitors run after every ingest, this one too (their alerts go to the Alerts page and beyond).
    st.session_state["_last_alerts"] = len(run_monitors(state.store(), settings=state.settings()))

summary = st.session_state.get("_last_ingest")
if summary:
    st.subheader(t("summary", lang))
    cols = st.columns(6)
    for col, (key, label) in zip(cols, [("read", "read_n"), ("stored", "stored_n"), ("exact_duplicates", "exact_dups"),
                                        ("near_duplicates", "near_dups"), ("rejected", "rejected_n"),
                                        ("undated", "undated_n")], strict=True):
        col.metric(t(label, lang), f"{int(summary[key]):,}")
    if alerts := st.session_state.get("_last_alerts"):
        href = render.page_href("alerts", {k: v for k, v in state.global_params().items() if k == state.UI_PARAM})
        st.markdown(f'{render.esc(plural("n_new_alerts", lang, alerts))} · '
                    f'<a href="{render.esc(href)}" target="_self">{render.esc(t("open_alerts", lang))}</a>',
                    unsafe_allow_html=True)
    if summary["rejects"]:
        st.subheader(t("rejects", lang))
        components.table(pd.DataFrame({t("reason", lang): summary["rejects"]}), name="rejects", lang=lang)
