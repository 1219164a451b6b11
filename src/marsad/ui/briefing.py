"""The Alerts page's "Briefing" block for one monitor: a period and download buttons that build the monitor's
briefing with marsad.report (HTML, and PDF where WeasyPrint can load Pango) only when clicked.

The build takes seconds (the analytics calls, then PDF layout): Streamlit runs the download button's callable on
the click, so the page itself stays as fast as before.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import streamlit as st

from marsad import analytics, report
from marsad.analytics import Query
from marsad.ui import state
from marsad.ui.i18n import t

# A week ending on the monitor's latest article: the usual rhythm of a briefing.
DEFAULT_DAYS = 7
MIME = {"html": "text/html", "pdf": "application/pdf"}


def default_period(query: Query) -> tuple[date, date]:
    """The last DEFAULT_DAYS days up to the newest article matching ``query`` (today when none matches)."""
    last = state.call(analytics.overview_figures, query)["last_date"]
    end = last.date() if last is not None else date.today()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def file_name(period: tuple[date, date], fmt: str) -> str:
    # ASCII only: a monitor's name may hold anything, and browsers differ on non-ASCII download names.
    return f"marsad-briefing-{period[0].isoformat()}_{period[1].isoformat()}.{fmt}"


def briefing_buttons(name: str, query: Query, lang: str) -> None:
    """The period picker and the HTML/PDF buttons for monitor ``name`` watching ``query``."""
    st.subheader(t("briefing", lang))
    picked = st.date_input(t("briefing_period", lang), value=default_period(query), key=f"briefing-{name}")
    if not isinstance(picked, tuple | list) or len(picked) != 2:
        st.caption(t("briefing_pick_end", lang))  # the second click of the range is still to come
        return
    period = (picked[0], picked[1])
    build = functools.partial(report.briefing_bytes, state.store(), query.replace(start=period[0], end=period[1]),
                              title=name, lang="ar" if lang == "ar" else "en")
    html_col, pdf_col = st.columns(2)
    html_col.download_button(t("briefing_html", lang), data=functools.partial(build, fmt="html"),
                             file_name=file_name(period, "html"), mime=MIME["html"], on_click="ignore",
                             icon=":material/description:", key=f"briefing-html-{name}")
    if report.pdf_available():
        pdf_col.download_button(t("briefing_pdf", lang), data=functools.partial(build, fmt="pdf"),
                                file_name=file_name(period, "pdf"), mime=MIME["pdf"], on_click="ignore",
                                icon=":material/picture_as_pdf:", key=f"briefing-pdf-{name}")
    else:
        pdf_col.caption(t("briefing_no_pdf", lang))
