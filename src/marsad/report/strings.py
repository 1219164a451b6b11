"""A briefing's own words in Arabic and English (the dashboard's wording where the two say the same thing).

The report package may not import the dashboard (marsad.ui), so its few labels live here; a unit test checks
that every key has both languages.
"""

from __future__ import annotations

from typing import Literal

ReportLang = Literal["ar", "en"]
REPORT_LANGS: tuple[ReportLang, ...] = ("ar", "en")

STRINGS: dict[str, dict[ReportLang, str]] = {
    "briefing": {"ar": "موجز", "en": "Briefing"},
    "marsad": {"ar": "مرصد", "en": "Marsad"},
    "period": {"ar": "الفترة", "en": "Period"},
    "period_open": {"ar": "حتى آخر مقالة", "en": "to the latest article"},
    "generated": {"ar": "أُعِدّ في", "en": "Generated"},
    "filters": {"ar": "عوامل التصفية", "en": "Filters"},
    "f_text": {"ar": "البحث", "en": "Search"},
    "f_languages": {"ar": "اللغات", "en": "Languages"},
    "f_sources": {"ar": "المصادر", "en": "Sources"},
    "f_entities": {"ar": "الكيانات", "en": "Entities"},
    "f_topics": {"ar": "المواضيع", "en": "Topics"},
    "f_duplicates": {"ar": "تشمل المقالات شبه المكررة", "en": "Near-duplicates included"},
    "key_figures": {"ar": "أرقام رئيسية", "en": "Key figures"},
    "articles": {"ar": "المقالات", "en": "Articles"},
    "sources": {"ar": "المصادر", "en": "Sources"},
    "languages": {"ar": "اللغات", "en": "Languages"},
    "entities": {"ar": "الكيانات", "en": "Entities"},
    "mentions": {"ar": "الإشارات", "en": "Mentions"},
    "first_date": {"ar": "أول مقالة", "en": "First article"},
    "last_date": {"ar": "آخر مقالة", "en": "Last article"},
    "coverage": {"ar": "التغطية عبر الزمن", "en": "Coverage over time"},
    "coverage_note": {"ar": "عدد المقالات في كل {bin}", "en": "Articles per {bin}"},
    "bin_day": {"ar": "يوم", "en": "day"},
    "bin_week": {"ar": "أسبوع (يبدأ الاثنين)", "en": "week (from Monday)"},
    "bin_month": {"ar": "شهر", "en": "month"},
    "no_coverage": {"ar": "لا توجد مقالات مؤرخة في هذه الفترة.", "en": "No dated articles in this period."},
    "top_people": {"ar": "أبرز الأشخاص", "en": "Top people"},
    "top_orgs": {"ar": "أبرز المنظمات", "en": "Top organisations"},
    "top_places": {"ar": "أبرز الأماكن", "en": "Top places"},
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
    "no_spikes": {"ar": "لا توجد قفزات غير عادية في الفترة المحددة.", "en": "No unusual bursts in the selected period."},
    "spike_kind": {"ar": "النوع", "en": "Kind"},
    "spike_what": {"ar": "ماذا", "en": "What"},
    "spike_when": {"ar": "متى", "en": "When"},
    "spike_size": {"ar": "الحجم (z المتين)", "en": "Size (robust z)"},
    "spike_baseline": {"ar": "المعتاد يوميًا", "en": "Usual per day"},
    "spike_entity": {"ar": "كيان", "en": "Entity"},
    "spike_topic": {"ar": "موضوع", "en": "Topic"},
    "spike_keyword": {"ar": "كلمة مفتاحية", "en": "Keyword"},
    "article_list": {"ar": "المقالات", "en": "The articles"},
    "articles_shown": {"ar": "أحدث {shown} من {total} مقالة.", "en": "The newest {shown} of {total} articles."},
    "date": {"ar": "التاريخ", "en": "Date"},
    "source": {"ar": "المصدر", "en": "Source"},
    "title": {"ar": "العنوان", "en": "Title"},
    "undated": {"ar": "غير مؤرخة", "en": "undated"},
    "untitled": {"ar": "(بلا عنوان)", "en": "(untitled)"},
    "footer": {"ar": "مرصد: رصد إعلامي دون اتصال", "en": "Marsad: offline media monitoring"},
}


def t(key: str, lang: ReportLang) -> str:
    return STRINGS[key][lang]
