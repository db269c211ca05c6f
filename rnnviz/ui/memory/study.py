"""What the study measured (benchmarks/memory_task.py): how far back each cell learned to recall,
over three seeds, so that one live run can be read against many."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rnnviz.text import gates_study
from rnnviz.ui import layout


def measured() -> None:
    st.subheader("What the study measured")
    st.markdown(gates_study.SUMMARY)
    layout.numbers(
        lambda: pd.DataFrame(gates_study.table()), "memory_study", "Show the measured table"
    )
    st.caption(gates_study.SETUP)
