"""Sentences and equations for the page, written from the engine's numbers. Pure Python: no
streamlit, no plotly (the figures print the same lines)."""
