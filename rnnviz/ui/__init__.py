"""Streamlit glue: session state, widgets bound to settings, cached calls. Pages call into here."""
