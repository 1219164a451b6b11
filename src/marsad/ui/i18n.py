"""Interface strings in English and Arabic, and the right-to-left rules that go with Arabic.

No Streamlit here: pages look strings up with :func:`t`; :func:`layout_css` gives the CSS a page injects.
Every key exists in both languages (a unit test checks it), so a missing translation fails CI, not a user.
"""

from __future__ import annotations

import functools
from typing import Literal

from marsad.text.bidi import ltr_isolate as ltr_isolate  # re-exported: the pages' dates
from marsad.wording import SHARED, Lang

UiLang = Lang
UI_LANGS: tuple[UiLang, ...] = ("en", "ar")
DEFAULT_UI_LANG: UiLang = "en"

# Arabic needs a font with Arabic glyphs: Streamlit's own font has none, so name Noto (Debian fonts-noto-core)
# before the generic family; Latin text keeps Streamlit's look.
ARABIC_FONT_STACK = "'Noto Sans Arabic', 'Noto Naskh Arabic', 'Source Sans Pro', sans-serif"

STRINGS: dict[str, dict[UiLang, str]] = {
    **SHARED,  # the labels the briefings show too (marsad/wording.py)
    # app and navigation
    "tagline": {"en": "Offline media monitoring, Arabic first", "ar": "رصد إعلامي دون اتصال، بالعربية أولاً"},
    "page_overview": {"en": "Overview", "ar": "نظرة عامة"},
    "page_trends": {"en": "Trends", "ar": "الاتجاهات"},
    "page_entities": {"en": "Entities", "ar": "الكيانات"},
    "page_topics": {"en": "Topics", "ar": "المواضيع"},
    "page_map": {"en": "Map", "ar": "الخريطة"},
    "page_search": {"en": "Search & articles", "ar": "البحث والمقالات"},
    "page_sources": {"en": "Sources", "ar": "المصادر"},
    "page_stories": {"en": "Stories", "ar": "القصص الإخبارية"},
    "page_ingest": {"en": "Ingest", "ar": "إدخال البيانات"},
    "page_alerts": {"en": "Alerts", "ar": "التنبيهات"},
    "interface_language": {"en": "Interface language", "ar": "لغة الواجهة"},
    # sidebar filters
    "date_range": {"en": "Date range", "ar": "النطاق الزمني"},
    "include_duplicates": {"en": "Include near-duplicates", "ar": "تضمين المقالات شبه المكررة"},
    "all": {"en": "All", "ar": "الكل"},
    "choose": {"en": "Choose…", "ar": "اختر…"},
    "reset_filters": {"en": "Reset filters", "ar": "إعادة ضبط التصفية"},
    "all_time": {"en": "All time", "ar": "كل الفترات"},
    "default_period_note": {
        "en": "The busiest stretch of the collection; “All time” shows every date.",
        "ar": "أكثر فترات المجموعة تغطيةً؛ «كل الفترات» تعرض جميع التواريخ.",
    },
    "share_hint": {
        "en": "The address bar holds this whole view: copy it to share or bookmark.",
        "ar": "يحفظ شريط العنوان هذا العرض بالكامل: انسخه للمشاركة أو للحفظ.",
    },
    # generic
    "count": {"en": "Count", "ar": "العدد"},
    "share": {"en": "Share of coverage", "ar": "نسبة التغطية"},
    "language": {"en": "Language", "ar": "اللغة"},
    "download_csv": {"en": "Download CSV", "ar": "تنزيل CSV"},
    "no_data_filters": {
        "en": "Nothing matches the current filters. Widen the date range or clear the source/language filters.",
        "ar": "لا شيء يطابق عوامل التصفية الحالية. وسّع النطاق الزمني أو أزل تصفية المصادر واللغات.",
    },
    "error_generic": {
        "en": "Something went wrong while building this page. The details are in the server log.",
        "ar": "حدث خطأ أثناء إعداد هذه الصفحة. التفاصيل في سجل الخادم.",
    },
    "interval": {"en": "Interval", "ar": "الفترة"},
    "interval_day": {"en": "Day", "ar": "يوم"},
    "interval_week": {"en": "Week", "ar": "أسبوع"},
    "interval_month": {"en": "Month", "ar": "شهر"},
    "type_PER": {"en": "People", "ar": "الأشخاص"},
    "type_ORG": {"en": "Organisations", "ar": "المنظمات"},
    "type_LOC": {"en": "Places", "ar": "الأماكن"},
    "type_MISC": {"en": "Other", "ar": "أخرى"},
    "open": {"en": "Open", "ar": "فتح"},
    # empty store
    "empty_title": {"en": "The store is empty", "ar": "المخزن فارغ"},
    "empty_body": {
        "en": "Marsad has no articles yet. Load the bundled demo corpus (a few thousand Arabic news articles from "
        "five outlets and a Reuters sample) with the button below, upload your own files on the Ingest page, or run "
        "`marsad ingest FILES…` in a terminal.",
        "ar": "لا توجد مقالات في مرصد بعد. حمّل مجموعة العرض المرفقة (بضعة آلاف من المقالات الإخبارية العربية من "
        "خمسة مصادر وعينة من رويترز) بالزر أدناه، أو ارفع ملفاتك في صفحة إدخال البيانات، أو شغّل "
        "`marsad ingest FILES…` في الطرفية.",
    },
    "load_demo": {"en": "Load the demo corpus", "ar": "تحميل مجموعة العرض"},
    "starting_demo": {"en": "Starting the demo corpus load…", "ar": "جارٍ بدء تحميل مجموعة العرض…"},
    # the demo load going on in the background (marsad.ui.demo_notice); {done} enriched of {total} stored
    "demo_stage_ingest": {
        "en": "Loading the demo corpus: {total} articles stored so far. Topics, enrichment and stories follow.",
        "ar": "جارٍ تحميل مجموعة العرض: خُزّنت {total} مقالة حتى الآن، وتليها المواضيع والإثراء والقصص.",
    },
    "demo_stage_topics": {
        "en": "Loading the demo corpus: fitting the topics on its {total} articles. Enrichment and stories follow.",
        "ar": "جارٍ تحميل مجموعة العرض: تُستخرج المواضيع من مقالاتها الـ{total}، ويليها الإثراء والقصص.",
    },
    "demo_stage_enrich": {
        "en": "Enriching the demo corpus: {done} of {total} articles. People, places and keywords cover those so "
        "far; stories come when all are done. This notice goes when it is over.",
        "ar": "جارٍ إثراء مجموعة العرض: {done} من {total} مقالة. الأشخاص والأماكن والكلمات المفتاحية تغطي هذه "
        "المقالات حتى الآن، والقصص تأتي حين تكتمل كلها. يختفي هذا التنبيه عند الانتهاء.",
    },
    "demo_stage_stories": {
        "en": "Grouping the demo corpus into stories: all {total} articles are enriched; the Stories page fills "
        "when this is done.",
        "ar": "جارٍ تجميع مجموعة العرض في قصص: أُثريت المقالات كلها ({total})، وتمتلئ صفحة القصص حين ينتهي ذلك.",
    },
    "demo_stopped": {
        "en": "The demo corpus is only partly loaded ({done} of {total} articles enriched; stories come last): run "
        "`make run` or `marsad demo` to finish it.",
        "ar": "لم يكتمل تحميل مجموعة العرض (أُثريت {done} من {total} مقالة، والقصص تأتي في الأخير): شغّل "
        "`make run` أو `marsad demo` لإكماله.",
    },
    # overview
    "languages_count": {"en": "Languages", "ar": "اللغات"},
    "sources_count": {"en": "Sources", "ar": "المصادر"},
    "volume_over_time": {"en": "Volume over time", "ar": "حجم التغطية عبر الزمن"},
    "axis_gap": {"en": "no articles {start} – {end}", "ar": "لا مقالات {start} – {end}"},
    "split_by": {"en": "Split by", "ar": "التقسيم حسب"},
    "by_language": {"en": "Language", "ar": "اللغة"},
    "by_source": {"en": "Source", "ar": "المصدر"},
    "top_topics": {"en": "Top topics", "ar": "أبرز المواضيع"},
    "spiking_now": {"en": "Spiking now", "ar": "ما يتصاعد الآن"},
    # trends
    "series": {"en": "Series (up to five)", "ar": "السلاسل (حتى خمس)"},
    "series_help": {
        "en": "A keyword or boolean query (e.g. الحدود OR border), or pick entities/topics below.",
        "ar": "كلمة أو استعلام منطقي (مثل الحدود OR border)، أو اختر كيانات/مواضيع أدناه.",
    },
    "series_queries": {"en": "Keyword queries, one per line", "ar": "استعلامات الكلمات، واحد في كل سطر"},
    "series_entities": {"en": "Entities", "ar": "الكيانات"},
    "series_topics": {"en": "Topics", "ar": "المواضيع"},
    "too_many_series": {"en": "Only the first five series are shown.", "ar": "تُعرض أول خمس سلاسل فقط."},
    "measure": {"en": "Measure", "ar": "المقياس"},
    "absolute": {"en": "Articles", "ar": "عدد المقالات"},
    "relative": {"en": "Share of coverage", "ar": "نسبة التغطية"},
    "click_point": {
        "en": "Click a point to list that period's articles.",
        "ar": "انقر على نقطة لعرض مقالات تلك الفترة.",
    },
    "bin_articles": {"en": "Articles for {series} in the period starting {bin}", "ar": "مقالات {series} في الفترة التي تبدأ {bin}"},
    "add_series_hint": {"en": "Add a query, an entity or a topic to draw a trend.", "ar": "أضف استعلامًا أو كيانًا أو موضوعًا لرسم اتجاه."},
    # entities
    "entity_type": {"en": "Type", "ar": "النوع"},
    "find_entity": {"en": "Find an entity", "ar": "ابحث عن كيان"},
    "entity": {"en": "Entity", "ar": "الكيان"},
    "names": {"en": "Names", "ar": "الأسماء"},
    "name_ar": {"en": "Arabic name", "ar": "الاسم بالعربية"},
    "name_en": {"en": "English name", "ar": "الاسم بالإنجليزية"},
    "variants": {"en": "Variants found in the text", "ar": "الصيغ الواردة في النصوص"},
    "mentions_over_time": {"en": "Mentions over time", "ar": "الإشارات عبر الزمن"},
    "co_mentioned": {"en": "Co-mentioned entities", "ar": "كيانات مذكورة معه"},
    "co_network": {"en": "Co-mention network", "ar": "شبكة الذكر المشترك"},
    "top_sources_for": {"en": "Sources that mention it most", "ar": "أكثر المصادر ذكرًا له"},
    "its_articles": {"en": "Its articles", "ar": "مقالاته"},
    "back_to_list": {"en": "Back to the list", "ar": "العودة إلى القائمة"},
    "unknown_entity": {"en": "Unknown entity: {key}", "ar": "كيان غير معروف: {key}"},
    # topics
    "topic": {"en": "Topic", "ar": "الموضوع"},
    "top_terms": {"en": "Top terms", "ar": "أبرز المصطلحات"},
    "topics_over_time": {"en": "Topics over time", "ar": "المواضيع عبر الزمن"},
    "topic_by_source": {"en": "Topics by source", "ar": "المواضيع حسب المصدر"},
    "representative_articles": {"en": "Representative articles", "ar": "مقالات ممثِّلة"},
    "no_topics": {
        "en": "No topic model yet. Fit one with `marsad topics fit` in a terminal.",
        "ar": "لا يوجد نموذج مواضيع بعد. درّبه بالأمر `marsad topics fit` في الطرفية.",
    },
    # stories
    "story": {"en": "Story", "ar": "القصة"},
    "outlets": {"en": "Outlets", "ar": "المنافذ الإعلامية"},
    "first_seen": {"en": "First seen", "ar": "أول ظهور"},
    "last_seen": {"en": "Last seen", "ar": "آخر ظهور"},
    "story_timeline": {"en": "The story over time", "ar": "القصة عبر الزمن"},
    "story_articles": {"en": "Its articles", "ar": "مقالاتها"},
    "no_stories": {
        "en": "No story has two or more articles in these filters. Stories are grouped after each ingest; for a store "
              "loaded before they existed, run `marsad stories rebuild` in a terminal.",
        "ar": "لا توجد قصة تضم مقالتين أو أكثر ضمن هذه التصفية. تُجمَّع القصص بعد كل إدخال للبيانات؛ وللمخزن المحمَّل قبل "
              "وجودها نفّذ الأمر `marsad stories rebuild` في الطرفية.",
    },
    # map
    "places_map": {"en": "Places mentioned", "ar": "الأماكن المذكورة"},
    "time_window": {"en": "Time window", "ar": "النافذة الزمنية"},
    "map_hint": {"en": "Click a bubble to filter every page by that place.",
                 "ar": "انقر على فقاعة لتصفية كل الصفحات حسب ذلك المكان."},
    "click_place": {"en": "Filter every page by a place", "ar": "صفِّ كل الصفحات حسب مكان"},
    "place_filter": {"en": "Filtered by place: {name}", "ar": "مصفّاة حسب المكان: {name}"},
    "clear_place": {"en": "Remove this filter", "ar": "إزالة هذه التصفية"},
    "no_places": {"en": "No places with coordinates in these filters.", "ar": "لا توجد أماكن ذات إحداثيات ضمن هذه التصفية."},
    # search
    "search_box": {"en": "Boolean search", "ar": "بحث منطقي"},
    "search_help": {
        "en": 'AND, OR, NOT, "exact phrase", prefix*, (parentheses), title:, source:, lang:',
        "ar": 'AND و OR و NOT و"عبارة بعينها" وبادئة* و(أقواس) و title: و source: و lang:',
    },
    "page_n": {"en": "Page", "ar": "الصفحة"},
    "reader": {"en": "Article reader", "ar": "قارئ المقالات"},
    "read": {"en": "Read", "ar": "اقرأ"},
    "entities_in_article": {"en": "Entities in this article", "ar": "الكيانات في هذه المقالة"},
    "close_reader": {"en": "Close the reader", "ar": "إغلاق القارئ"},
    "no_results": {"en": "No articles match this search.", "ar": "لا توجد مقالات تطابق هذا البحث."},
    "latest_articles": {"en": "Latest articles in these filters", "ar": "أحدث المقالات ضمن هذه التصفية"},
    "legend": {"en": "Highlighted", "ar": "الألوان"},
    # sources
    "volume_by_source": {"en": "Articles per outlet", "ar": "المقالات لكل مصدر"},
    "share_of_voice": {"en": "Share of voice", "ar": "حصة الصوت"},
    "languages_by_source": {"en": "Languages per outlet", "ar": "اللغات لكل مصدر"},
    # ingest
    "upload": {"en": "Files to ingest", "ar": "الملفات المراد إدخالها"},
    "upload_help": {
        "en": "txt, html, jsonl, csv, zip, rss/atom (xml), warc or parquet — each file is read, deduplicated and stored.",
        "ar": "txt أو html أو jsonl أو csv أو zip أو rss/atom (xml) أو warc أو parquet — يُقرأ كل ملف وتُزال المكررات ثم يُخزَّن.",
    },
    "source_override": {"en": "Source name (optional)", "ar": "اسم المصدر (اختياري)"},
    "run_ingest": {"en": "Ingest", "ar": "إدخال"},
    "ingesting": {"en": "Ingesting…", "ar": "جارٍ الإدخال…"},
    "summary": {"en": "Summary", "ar": "الملخص"},
    "read_n": {"en": "Read", "ar": "مقروءة"},
    "stored_n": {"en": "Stored", "ar": "مخزّنة"},
    "exact_dups": {"en": "Exact duplicates", "ar": "مكررات تامة"},
    "near_dups": {"en": "Near-duplicates", "ar": "شبه مكررة"},
    "rejected_n": {"en": "Rejected", "ar": "مرفوضة"},
    "undated_n": {"en": "Undated", "ar": "بلا تاريخ"},
    "rejects": {"en": "Rejects", "ar": "المرفوضات"},
    "reason": {"en": "Reason", "ar": "السبب"},
    "file": {"en": "File", "ar": "الملف"},
    "record": {"en": "Record", "ar": "السجل"},
    "choose_files": {"en": "Choose at least one file.", "ar": "اختر ملفًا واحدًا على الأقل."},
    # a monitor's briefing (Alerts page; marsad.ui.briefing)
    "briefing_period": {"en": "Period of the briefing", "ar": "فترة الموجز"},
    "briefing_pick_end": {"en": "Pick the last day of the period.", "ar": "اختر اليوم الأخير من الفترة."},
    "briefing_html": {"en": "Briefing (HTML)", "ar": "الموجز (HTML)"},
    "briefing_pdf": {"en": "Briefing (PDF)", "ar": "الموجز (PDF)"},
    "briefing_no_pdf": {
        "en": "PDF needs the Pango library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0).",
        "ar": "يتطلب PDF مكتبة Pango على الخادم (في دبيان: libpango-1.0-0 libpangoft2-1.0-0).",
    },
    # monitors and alerts
    "save_as_monitor": {"en": "Save this view as a monitor", "ar": "احفظ هذا العرض كمرصد"},
    "monitor_name": {"en": "Monitor name", "ar": "اسم المرصد"},
    "monitor_webhook": {"en": "Webhook URL (optional)", "ar": "عنوان Webhook (اختياري)"},
    "monitor_email": {"en": "E-mail address (optional)", "ar": "عنوان البريد الإلكتروني (اختياري)"},
    "monitor_save": {"en": "Save monitor", "ar": "احفظ المرصد"},
    "monitor_save_help": {
        "en": "Watches this view's filters and search from now on (not its dates): what matches today never alerts.",
        "ar": "يراقب عوامل التصفية والبحث في هذا العرض من الآن فصاعدًا (دون تواريخه): ما يطابق اليوم لا يُنبَّه عليه.",
    },
    "monitor_saved": {"en": "Monitor “{name}” saved.", "ar": "حُفظ المرصد «{name}»."},
    "open_alerts": {"en": "Open the alerts", "ar": "افتح التنبيهات"},
    "no_monitors": {
        "en": "No monitors yet. Use “Save this view as a monitor” in the sidebar, or `marsad monitors add`.",
        "ar": "لا مراصد بعد. استخدم «احفظ هذا العرض كمرصد» في الشريط الجانبي، أو الأمر `marsad monitors add`.",
    },
    "monitor": {"en": "Monitor", "ar": "المرصد"},
    "monitor_view": {"en": "Open the monitor’s view", "ar": "افتح عرض المرصد"},
    "monitor_edit": {"en": "Edit this monitor", "ar": "تعديل هذا المرصد"},
    "monitor_entities_help": {
        "en": "Entity keys such as org:opec (an article must name all): type one and press Enter to add it.",
        "ar": "مفاتيح كيانات مثل org:opec (يجب أن تذكرها المقالة كلها): اكتب مفتاحًا واضغط Enter لإضافته.",
    },
    "monitor_edit_help": {
        "en": "Old articles that the changed search matches do not alert: only what is stored from now on does, and "
              "what was waiting for the next run still alerts if the changed search matches it. Changing only where "
              "alerts go changes nothing else.",
        "ar": "لا تُنبِّه المقالات القديمة التي يطابقها البحث المعدَّل: يُنبِّه فقط ما يُخزَّن من الآن، وما كان ينتظر "
              "التشغيل التالي يُنبِّه إن طابقه البحث المعدَّل. تغيير وجهة التنبيهات وحده لا يغيّر شيئًا آخر.",
    },
    "monitor_edit_save": {"en": "Save changes", "ar": "احفظ التعديلات"},
    "monitor_edited": {"en": "Monitor “{name}” changed.", "ar": "عُدِّل المرصد «{name}»."},
    "monitor_remove": {"en": "Remove this monitor", "ar": "احذف هذا المرصد"},
    "monitor_remove_confirm": {
        "en": "Remove monitor “{name}” with its alerts ({alerts})? This cannot be undone.",
        "ar": "أتحذف المرصد «{name}» مع تنبيهاته ({alerts})؟ لا يمكن التراجع عن ذلك.",
    },
    "monitor_remove_yes": {"en": "Remove", "ar": "احذف"},
    "monitor_removed": {"en": "Monitor “{name}” removed.", "ar": "حُذف المرصد «{name}»."},
    "cancel": {"en": "Cancel", "ar": "إلغاء"},
    "monitor_feed": {"en": "Or from a shell:", "ar": "أو من سطر الأوامر:"},
    "monitor_feed_download": {"en": "Atom feed", "ar": "خلاصة Atom"},
    "alerts_show": {"en": "Show", "ar": "اعرض"},
    "alerts_unread": {"en": "Unread", "ar": "غير المقروءة"},
    "alerts_all": {"en": "All", "ar": "الكل"},
    "no_alerts": {"en": "No alerts here.", "ar": "لا تنبيهات هنا."},
    "mark_read": {"en": "Mark read", "ar": "علّمه مقروءًا"},
    "mark_unread": {"en": "Mark unread", "ar": "علّمه غير مقروء"},
    "mark_all_read": {"en": "Mark all read", "ar": "علّم الكل مقروءًا"},
    "alert_unread": {"en": "New", "ar": "جديد"},
    "alert_spike": {
        "en": "Coverage burst on {day}: {count} articles (usually {baseline} a day)",
        "ar": "طفرة في التغطية يوم {day}: {count} مقالة (المعتاد {baseline} يوميًا)",
    },
    "alert_entities": {"en": "Newly co-mentioned: {names}", "ar": "يُذكر معه لأول مرة: {names}"},
    "delivery_failed": {"en": "Not delivered: {error}", "ar": "لم يُسلَّم: {error}"},
    "delivery_pending": {"en": "Delivery pending", "ar": "التسليم قيد الانتظار"},
    "delivery_sent": {"en": "Delivered", "ar": "سُلِّم"},
    "retry_delivery": {"en": "Retry delivery", "ar": "أعد محاولة التسليم"},
    "delivering": {"en": "Delivering…", "ar": "جارٍ التسليم…"},
    "more_articles": {"en": "… and {n} more", "ar": "… و{n} غيرها"},
    # articles without a date, which no time chart can place
    "list_undated": {"en": "List them", "ar": "اعرضها"},
    "undated_articles": {"en": "Undated articles", "ar": "المقالات غير المؤرخة"},
    "undated_only": {"en": "Undated only", "ar": "غير المؤرخة فقط"},
}


PluralCategory = Literal["zero", "one", "two", "few", "many", "other"]

# Strings that say how many of something there are, one form per CLDR plural category of each language (Babel's
# rules pick it: see :func:`plural`). English has "one" and "other"; Arabic has six: zero, one, two, few (3–10,
# 103–110, …: the counted noun in the plural), many (11–99, …: in the singular) and other (100, 1000, …).
# ``{n}`` is the number as shown (with thousands separators); the Arabic one and two forms say the number in words.
PLURALS: dict[str, dict[UiLang, dict[PluralCategory, str]]] = {
    "n_results": {
        "en": {"one": "{n} result", "other": "{n} results"},
        "ar": {"zero": "لا نتائج", "one": "نتيجة واحدة", "two": "نتيجتان", "few": "{n} نتائج", "many": "{n} نتيجة",
               "other": "{n} نتيجة"},
    },
    "n_undated": {
        "en": {"one": "{n} undated article is not on the time axis",
               "other": "{n} undated articles are not on the time axis"},
        "ar": {"zero": "لا مقالات غير مؤرخة", "one": "مقالة واحدة غير مؤرخة ليست على المحور الزمني",
               "two": "مقالتان غير مؤرختين ليستا على المحور الزمني", "few": "{n} مقالات غير مؤرخة ليست على المحور الزمني",
               "many": "{n} مقالة غير مؤرخة ليست على المحور الزمني", "other": "{n} مقالة غير مؤرخة ليست على المحور الزمني"},
    },
    "alert_new_articles": {
        "en": {"one": "{n} new article", "other": "{n} new articles"},
        "ar": {"zero": "لا مقالات جديدة", "one": "مقالة جديدة واحدة", "two": "مقالتان جديدتان", "few": "{n} مقالات جديدة",
               "many": "{n} مقالة جديدة", "other": "{n} مقالة جديدة"},
    },
    "n_new_alerts": {
        "en": {"one": "{n} new alert", "other": "{n} new alerts"},
        "ar": {"zero": "لا تنبيهات جديدة", "one": "تنبيه جديد واحد", "two": "تنبيهان جديدان", "few": "{n} تنبيهات جديدة",
               "many": "{n} تنبيهًا جديدًا", "other": "{n} تنبيه جديد"},
    },
    "n_unread": {
        "en": {"one": "{n} unread", "other": "{n} unread"},
        "ar": {"zero": "لا غير مقروء", "one": "تنبيه غير مقروء", "two": "تنبيهان غير مقروءين", "few": "{n} تنبيهات غير مقروءة",
               "many": "{n} تنبيهًا غير مقروء", "other": "{n} تنبيه غير مقروء"},
    },
}


def plural(key: str, lang: str, n: int, /) -> str:
    """The count string ``key`` for ``n`` in ``lang`` (English when ``lang`` is unknown): the form that the CLDR
    plural rule of ``lang`` (through Babel) gives for ``n``, with ``n`` written in. "1 result", "3 نتائج", "11 نتيجة"."""
    ui = as_ui_lang(lang)
    return PLURALS[key][ui][plural_category(n, ui)].format(n=f"{n:,}")


@functools.cache
def _plural_rule(lang: str):
    from babel import Locale  # lazy: babel's locale data is only read when a page shows a count

    return Locale.parse(lang).plural_form


def plural_category(n: int, lang: str) -> PluralCategory:
    """The CLDR plural category of the whole number ``n`` in ``lang``: "one", "few", …"""
    return _plural_rule(lang)(abs(n))


def t(key: str, lang: str, /, **fmt: object) -> str:
    """The string ``key`` in ``lang`` (English when ``lang`` is unknown), formatted with ``fmt``."""
    entry = STRINGS[key]
    text = entry.get(lang, entry["en"])  # type: ignore[call-overload]
    return text.format(**fmt) if fmt else text


def in_direction(text: str, lang: str) -> str:
    """``text`` laid out in ``lang``'s direction (Unicode RLI … PDI for Arabic) where no CSS applies: Plotly's
    SVG lays every label out left to right, so an Arabic label with dates would otherwise read backwards."""
    return f"\u2067{text}\u2069" if is_rtl(lang) else text


def as_ui_lang(value: object) -> UiLang:
    """A valid interface language from a URL value; anything else falls back to the default."""
    return value if value in UI_LANGS else DEFAULT_UI_LANG  # type: ignore[return-value]


def is_rtl(lang: str) -> bool:
    return lang == "ar"


def layout_css(lang: str) -> str:
    """CSS for the whole page: Arabic-capable fonts always; with Arabic, the main area and sidebar read right to left.

    Streamlit has no RTL setting, so the direction goes on its containers. Plotly charts keep ``ltr`` inside
    (their axes and hover labels are positioned in LTR coordinates; the chart code places titles itself).
    """
    css = [
        # Only our own blocks name a font: a global rule would also hit Streamlit's icon font (icons would turn
        # into their ligature names). Elsewhere the browser falls back to an installed Arabic font by itself.
        f".marsad-rtl, .marsad-ltr, .marsad-article, .marsad-item, .marsad-headline {{ font-family: {ARABIC_FONT_STACK}; }}",
        # Arabic article text anywhere: right-aligned, right to left, regardless of the interface language.
        ".marsad-rtl { direction: rtl; text-align: right; unicode-bidi: isolate; }",
        ".marsad-ltr { direction: ltr; text-align: left; unicode-bidi: isolate; }",
        ".marsad-article { line-height: 1.9; font-size: 1.05rem; }",
        ".marsad-headline { font-size: 1.45rem; font-weight: 700; line-height: 1.5; margin: 0.4rem 0 0.8rem; }",
        ".marsad-snippet mark, .marsad-article mark { padding: 0 2px; border-radius: 3px; }",
        ".marsad-ent { border-radius: 3px; padding: 0 2px; text-decoration: none; color: inherit; }",
        ".marsad-ent-PER { background: #ffe0b2; } .marsad-ent-ORG { background: #c8e6c9; }",
        ".marsad-ent-LOC { background: #bbdefb; } .marsad-ent-MISC { background: #e1bee7; }",
        ".marsad-hit { background: #fff176; }",
        ".marsad-item { padding: 0.45rem 0; border-bottom: 1px solid rgba(128,128,128,0.2); }",
        ".marsad-title { font-weight: 600; font-size: 1.02rem; } .marsad-title a { text-decoration: none; }",
        ".marsad-meta { color: #6b6b6b; font-size: 0.85rem; }",
        # Alerts page: the unread badge and a delivery failure (untrusted text, so our own escaped box rather than
        # st.warning, whose markdown would link and mangle the URL in the message).
        ".marsad-new { background: #d32f2f; color: #fff; border-radius: 0.6rem; padding: 0 0.45rem; font-size: 0.8rem; }",
        ".marsad-failed { background: #fff4e5; color: #7a4b00; border-radius: 0.5rem; padding: 0.6rem 0.8rem;"
        " margin: 0.3rem 0; overflow-wrap: anywhere; }",
        # Text boxes take their direction from their own text, line by line (each placeholder from its own): an
        # Arabic query reads right to left in the English interface, an English one left to right in the Arabic.
        # Browsers apply this to what is typed and, styled on ::placeholder, to the example shown in an empty box.
        "input, textarea, input::placeholder, textarea::placeholder { unicode-bidi: plaintext; text-align: start; }",
        # Streamlit's "Press Enter to apply" sits at the right end of a box being edited: right-aligned Arabic
        # would run under it, so while it shows the text stops short of it.
        "[data-testid='stTextInput']:has([data-testid='InputInstructions']) input { padding-right: 8rem; }",
    ]
    if is_rtl(lang):
        css += [
            "[data-testid='stMain'] .block-container, [data-testid='stSidebarContent'] { direction: rtl; text-align: right; }",
            # Streamlit pins markdown and headings to the left; in an Arabic interface they start on the right.
            "[data-testid='stMarkdownContainer'], [data-testid='stHeading'], [data-testid='stCaptionContainer'],"
            " [data-testid='stMetric'] { text-align: right; }",
            # Segmented controls are styled for left-to-right (joined borders, rounded outer corners): mirrored they
            # are clipped, so the buttons stay in their own order while the group sits on the right.
            "[data-testid='stButtonGroup'] [role='radiogroup'] { direction: ltr; margin-inline-start: auto; }",
            # Dates keep their natural order (start – end) rather than being mirrored.
            "[data-testid='stDateInput'] input { direction: ltr; text-align: right; }",
            "[data-testid='stPlotlyChart'], .js-plotly-plot { direction: ltr; }",
            "[data-testid='stDataFrame'] { direction: ltr; }",
        ]
    return "<style>\n" + "\n".join(css) + "\n</style>"


def display_name(name_ar: object, name_en: object, key: object, lang: str) -> str:
    """An entity's name in the interface language when known, else the other language, else its key."""
    ar = str(name_ar) if isinstance(name_ar, str) and name_ar else ""
    en = str(name_en) if isinstance(name_en, str) and name_en else ""
    first, second = (ar, en) if is_rtl(lang) else (en, ar)
    return first or second or str(key)


def language_name(code: object, lang: str) -> str:
    """"ar" → "Arabic" / "العربية" (CLDR names through babel); unknown codes stay as they are."""
    code = str(code or "")
    if not code:
        return "—"
    from babel import Locale  # lazy: only the pages that show languages need it
    from babel.core import UnknownLocaleError

    try:
        return Locale.parse(lang).languages.get(code, code)
    except (ValueError, UnknownLocaleError):
        return code


def type_label(entity_type: object, lang: str) -> str:
    """"PER" → "People" / "الأشخاص"; unknown types stay as they are."""
    key = f"type_{entity_type}"
    return t(key, lang) if key in STRINGS else str(entity_type)
