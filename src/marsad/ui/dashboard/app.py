"""The dashboard: builds the navigation from the pages and runs the chosen one inside the frame (marsad.ui.shell).

``marsad serve`` runs this script; ``streamlit run app.py`` in a source checkout runs it through the top-level app.py.
"""

import streamlit as st

from marsad.ui import preload

# A blank chart and table go out before anything else, the heavy imports (pandas, Ibis, DuckDB) included: the
# browser loads the code that draws charts and tables while this run imports and computes (see marsad.ui.preload).
with preload.first_run():
    from marsad.config import STATIC_DIR
    from marsad.ui import shell

    st.set_page_config(page_title="Marsad · مرصد", page_icon=str(STATIC_DIR / "marsad-icon.png"), layout="wide")
    pages = shell.build_pages()
    current = st.navigation(list(pages.values()), position="hidden")
    shell.run(current, pages)
