"""A briefing's own words in Arabic and English; the labels it shares with the dashboard come from
marsad/wording.py (the report package may not import marsad.ui). A unit test checks that every key has both
languages.
"""

from __future__ import annotations

from marsad.wording import SHARED, Lang

ReportLang = Lang
REPORT_LANGS: tuple[ReportLang, ...] = ("ar", "en")

STRINGS: dict[str, dict[ReportLang, str]] = {
    **SHARED,  # the dashboard's words where the two say the same thing
    "period": {"ar": "الفترة", "en": "Period"},
    "period_open": {"ar": "حتى آخر مقالة", "en": "to the latest article"},
    "generated": {"ar": "أُعِدّ في", "en": "Generated"},
    "f_text": {"ar": "البحث", "en": "Search"},
    "f_topics": {"ar": "المواضيع", "en": "Topics"},
    "f_duplicates": {"ar": "تشمل المقالات شبه المكررة", "en": "Near-duplicates included"},
    "coverage": {"ar": "التغطية عبر الزمن", "en": "Coverage over time"},
    "coverage_note": {"ar": "عدد المقالات في كل {bin}", "en": "Articles per {bin}"},
    "bin_day": {"ar": "يوم", "en": "day"},
    "bin_week": {"ar": "أسبوع (يبدأ الاثنين)", "en": "week (from Monday)"},
    "bin_month": {"ar": "شهر", "en": "month"},
    "no_coverage": {"ar": "لا توجد مقالات مؤرخة في هذه الفترة.", "en": "No dated articles in this period."},
    "name": {"ar": "الاسم", "en": "Name"},
    "none": {"ar": "لا شيء", "en": "None"},
    "top_stories": {"ar": "أبرز القصص", "en": "Top stories"},
    "stories_note": {
        "ar": "القصة مقالات عن حدث واحد عبر المصادر واللغات، مرتبة بعدد مقالاتها في هذه الفترة؛ تُعرض أولى مقالاتها.",
        "en": "A story is the articles about one event across outlets and languages, ranked by its articles in this "
              "period; its first articles are listed.",
    },
    "story_line": {"ar": "{articles} مقالات من {outlets} مصادر · {languages}",
                   "en": "{articles} articles from {outlets} outlets · {languages}"},
    "no_stories": {"ar": "لا توجد قصص من مقالتين أو أكثر في هذه الفترة.",
                   "en": "No story of two or more articles in this period."},
    "spikes": {"ar": "القفزات", "en": "Spikes"},
    "article_list": {"ar": "المقالات", "en": "The articles"},
    "articles_shown": {"ar": "أحدث {shown} من {total} مقالة.", "en": "The newest {shown} of {total} articles."},
    "undated": {"ar": "غير مؤرخة", "en": "undated"},
    "untitled": {"ar": "(بلا عنوان)", "en": "(untitled)"},
    "footer": {"ar": "مرصد: رصد إعلامي دون اتصال", "en": "Marsad: offline media monitoring"},
}


def t(key: str, lang: ReportLang) -> str:
    return STRINGS[key][lang]
