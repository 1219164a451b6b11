"""The dashboard's Streamlit script, app.py, alone in its folder: Streamlit puts the script's folder on sys.path
while it runs, and would take a ``pages/`` folder beside it for old-style pages (ours are in marsad/ui/pages)."""
