"""Figures: pure functions from engine results to plotly Figures. No streamlit here."""
