"""Files in and out: a student's CSV read with a sentence for every kind of bad file, and a run
taken home (JSON, CSV and a standalone NumPy script). No streamlit here."""
