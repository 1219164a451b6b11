"""The dashboard from a source checkout: ``streamlit run app.py``. It runs the package's own script
(src/marsad/ui/dashboard/app.py), the one ``marsad serve`` runs, afresh on every rerun as Streamlit expects."""

import runpy

runpy.run_module("marsad.ui.dashboard.app", run_name="__main__")
