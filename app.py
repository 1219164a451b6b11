"""Marsad dashboard entry point: `streamlit run app.py` (or `make run`). Builds the navigation; the frame and
the pages live in src/marsad/ui/."""

from pathlib import Path

import streamlit as st

from marsad.ui import preload, startup

startup.wait_for_imports()  # under make run's launcher, its warm-up may still be importing what this run needs
with preload.plotly_bundle():
    st.set_page_config(page_title="Marsad · مرصد", page_icon=str(Path(__file__).parent / "static" / "marsad-icon.png"), layout="wide")
    from marsad.ui import shell  # the heavy imports (pandas, Ibis, DuckDB) come after the preload has been sent

    pages = shell.build_pages()
    current = st.navigation(list(pages.values()), position="hidden")
    shell.run(current, pages)
