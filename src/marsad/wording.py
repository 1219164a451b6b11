"""Words the dashboard and the briefings both show, in English and Arabic: each shared label in one place.

A leaf (it imports nothing of Marsad), so the briefings (``marsad.report``) take these without importing the
dashboard (``marsad.ui``, which nothing but the CLI may import). ``ui/i18n.py`` and ``report/strings.py`` start
their tables from :data:`SHARED` and add their own words; a label that reads differently in the two (the
dashboard's longer "no stories" hint) stays in its own table.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ar"]

SHARED: dict[str, dict[Lang, str]] = {
    "app_title": {"en": "Marsad", "ar": "مرصد"},
    "briefing": {"en": "Briefing", "ar": "موجز"},
    "filters": {"en": "Filters", "ar": "عوامل التصفية"},
    # key figures
    "key_figures": {"en": "Key figures", "ar": "أرقام رئيسية"},
    "articles": {"en": "Articles", "ar": "المقالات"},
    "sources": {"en": "Sources", "ar": "المصادر"},
    "languages": {"en": "Languages", "ar": "اللغات"},
    "entities": {"en": "Entities", "ar": "الكيانات"},
    "mentions": {"en": "Mentions", "ar": "الإشارات"},
    "first_date": {"en": "First article", "ar": "أول مقالة"},
    "last_date": {"en": "Last article", "ar": "آخر مقالة"},
    "top_people": {"en": "Top people", "ar": "أبرز الأشخاص"},
    "top_orgs": {"en": "Top organisations", "ar": "أبرز المنظمات"},
    "top_places": {"en": "Top places", "ar": "أبرز الأماكن"},
    # article lists
    "date": {"en": "Date", "ar": "التاريخ"},
    "title": {"en": "Title", "ar": "العنوان"},
    "source": {"en": "Source", "ar": "المصدر"},
    # spikes (analytics/spikes.py): the table's columns and its kinds
    "no_spikes": {"en": "No unusual bursts in the selected period.", "ar": "لا توجد قفزات غير عادية في الفترة المحددة."},
    "spike_kind": {"en": "Kind", "ar": "النوع"},
    "spike_what": {"en": "What", "ar": "ماذا"},
    "spike_when": {"en": "When", "ar": "متى"},
    "spike_size": {"en": "Size (robust z)", "ar": "الحجم (z المتين)"},
    "spike_baseline": {"en": "Usual per day", "ar": "المعتاد يوميًا"},
    "spike_entity": {"en": "Entity", "ar": "كيان"},
    "spike_topic": {"en": "Topic", "ar": "موضوع"},
    "spike_keyword": {"en": "Keyword", "ar": "كلمة مفتاحية"},
}
