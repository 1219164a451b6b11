"""A gathered briefing as one self-contained HTML page (Jinja2, autoescaped).

Self-contained: the styles are inline, the chart is an inline SVG, fonts are named by family (Debian's
fonts-noto-core: Noto Naskh Arabic and Noto Sans Arabic shape Arabic): a browser opening the file fetches
nothing, and neither does marsad.report.pdf turning it into a PDF.
"""

from __future__ import annotations

import functools
import logging
import math
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from marsad.errors import MarsadError
from marsad.report.chart import coverage_svg
from marsad.report.gather import Briefing
from marsad.report.strings import REPORT_LANGS, ReportLang, t
from marsad.text.bidi import ltr_isolate, plain_text, text_direction

LOGGER = logging.getLogger(__name__)

# Arabic first: Naskh reads best in running text; Noto Sans (Latin) after it covers English titles and digits.
FONTS = {
    "ar": "'Noto Naskh Arabic', 'Noto Sans Arabic', 'Noto Sans', 'DejaVu Sans', sans-serif",
    "en": "'Noto Sans', 'Noto Naskh Arabic', 'Noto Sans Arabic', 'DejaVu Sans', sans-serif",
}
# Article links keep only these schemes: a javascript: or data: "URL" from a feed must not become a link.
LINK_SCHEMES = ("http", "https")


def _finalize(value: object) -> object:
    # Runs on every {{ … }} before autoescaping: untrusted strings lose their bidi overrides (see marsad.text.bidi).
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return plain_text(value)


def _day(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp (NaT included)
        value = None if value != value else value.to_pydatetime()  # noqa: PLR0124  NaT is not equal to itself
        if value is None:
            return "—"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _num(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}".removesuffix(".0")
    return f"{int(value):,}"  # type: ignore[call-overload]


def safe_href(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None (shown as text, never as a link)."""
    text = plain_text(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def _entity_name(row: dict[str, Any], lang: ReportLang) -> str:
    names = (row.get("name_ar"), row.get("name_en")) if lang == "ar" else (row.get("name_en"), row.get("name_ar"))
    return next((str(n) for n in names if isinstance(n, str) and n.strip()), str(row.get("label") or row.get("key", "")))


def _article_link(row: dict[str, Any], lang: ReportLang) -> Markup:
    title = plain_text(row.get("title")).strip() or t("untitled", lang)
    inner = Markup('<span dir="{}">{}</span>').format(text_direction(title), title)
    href = safe_href(row.get("url"))
    return Markup('<a href="{}">{}</a>').format(href, inner) if href else inner


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("marsad.report", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,  # a misspelt field fails the test suite, not silently in a briefing
    )
    env.filters.update(day=_day, num=_num, ltr=ltr_isolate, direction=lambda v: text_direction(plain_text(v)))
    return env


def title_of(briefing: Briefing, lang: ReportLang) -> str:
    """The briefing's title; without one, its search expression or its entities' names in ``lang``."""
    names = " · ".join(_entity_name(e, lang) for e in briefing.entities)
    return briefing.title or briefing.query.text or names or t("app_title", lang)


def _filters(briefing: Briefing, lang: ReportLang) -> list[tuple[str, str]]:
    """The Query's filters besides its dates, as (label, value) lines for the header."""
    q = briefing.query
    lines = [
        ("f_text", q.text),
        ("languages", ", ".join(q.languages)),
        ("sources", ", ".join(q.sources)),
        ("entities", ", ".join(_entity_name(e, lang) for e in briefing.entities)),
        ("f_topics", ", ".join(str(x) for x in q.topics)),
    ]
    out = [(t(key, lang), value) for key, value in lines if value]
    if q.include_duplicates:
        out.append((t("f_duplicates", lang), "✓"))
    return out


def render_html(briefing: Briefing, *, lang: ReportLang = "ar") -> str:
    """The briefing as one HTML document with no external asset, labels in ``lang`` ("ar" right to left)."""
    if lang not in REPORT_LANGS:
        raise MarsadError(f"briefing language “{lang}” is not one of {', '.join(REPORT_LANGS)}")
    template = _environment().get_template("briefing.html.j2")
    return template.render(
        b=briefing,
        title=title_of(briefing, lang),
        lang=lang,
        t=functools.partial(t, lang=lang),
        fonts=Markup(FONTS[lang]),
        filters=_filters(briefing, lang),
        chart=coverage_svg(briefing.coverage, interval=briefing.interval),
        article_link=functools.partial(_article_link, lang=lang),
        entity_name=functools.partial(_entity_name, lang=lang),
    )
