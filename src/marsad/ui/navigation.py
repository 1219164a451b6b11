"""The dashboard's pages: URL path, script, icon and title key. app.py turns this table into st.Page entries.

Kept free of Streamlit so tests (and the browser test) can list the pages without starting an app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Absolute, so st.Page finds the scripts whichever script runs the app (the package's or the checkout's app.py).
PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    slug: str  # URL path: /entities?…
    script: str  # file name in PAGES_DIR
    icon: str
    title_key: str  # i18n key

    @property
    def path(self) -> str:
        return str(PAGES_DIR / self.script)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "overview.py", ":material/dashboard:", "page_overview"),
    PageSpec("trends", "trends.py", ":material/show_chart:", "page_trends"),
    PageSpec("entities", "entities.py", ":material/groups:", "page_entities"),
    PageSpec("topics", "topics.py", ":material/topic:", "page_topics"),
    PageSpec("stories", "stories.py", ":material/library_books:", "page_stories"),
    PageSpec("map", "map.py", ":material/public:", "page_map"),
    PageSpec("search", "search.py", ":material/search:", "page_search"),
    PageSpec("sources", "sources.py", ":material/newspaper:", "page_sources"),
    PageSpec("ingest", "ingest.py", ":material/upload_file:", "page_ingest"),
    PageSpec("alerts", "alerts.py", ":material/notifications:", "page_alerts"),
)
PAGE_BY_SLUG = {p.slug: p for p in PAGES}
# Pages that still make sense with an empty store (everything else shows the "load data" panel instead).
WORKS_WITHOUT_DATA = frozenset({"ingest"})
