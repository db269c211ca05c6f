"""The server's deliberate shared pieces: the training pool and its cache of finished runs, and
the classroom rooms (in this process, or in Redis across replicas). No streamlit here."""
