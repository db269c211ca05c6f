"""Page 5's settings: the recall task, the cells' sizes, how each is trained, and the three
`RecallRequest`s they describe (one per cell, all on the same windows)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs.recall import RecallRequest, cell_sizes
from rnnviz.settings import memory
from rnnviz.ui import state

SETTING = schema.BY_NAME


def check_settings() -> None:
    """Before any widget: k cannot reach before the window's start (a link can ask for it)."""
    v = state.values()
    if v["mem_k"] > v["mem_T"]:
        state.set_values({"mem_k": v["mem_T"]})
        st.warning(
            f"$k$ was set to {v['mem_T']}: with windows of $T = {v['mem_T']}$ inputs, the "
            "target can reach back at most to the first one.",
            icon=":material/link:",
        )


def requests(values: dict[str, Any] | None = None) -> dict[str, RecallRequest]:
    """The three cells' runs: the same task, windows and seed; each its own H, η and init."""
    v = values or state.values()
    sizes = cell_sizes(v["mem_h"], v["mem_size"] == "equal parameters")
    return {
        cell: RecallRequest(
            cell=cell,
            hidden_size=sizes[cell],
            lag=v["mem_k"],
            seq_len=v["mem_T"],
            noise=memory.MEMORY_NOISE,
            epochs=v["mem_epochs"],
            lr=v[f"mem_lr_{cell}"],
            clip=memory.MEMORY_CLIP,
            batch_size=memory.MEMORY_BATCH,
            n_windows=memory.MEMORY_WINDOWS,
            seed=v["mem_seed"],
            task_seed=v["mem_seed"],
            init=v["mem_rnn_init"] if cell == "rnn" else "pytorch",
            forget_bias=1.0 if cell == "lstm" and v["mem_fbias"] else None,
        )
        for cell in core.CELLS
    }


def settings_controls(disabled: bool) -> None:
    """The task, the sizes and the training, each with its sentence; disabled while training."""
    left, middle, right = st.columns(3, gap="large")
    with left:
        state.bound_widget(SETTING["mem_T"], st.slider, disabled=disabled)
        T = state.values()["mem_T"]
        state.bound_widget(SETTING["mem_k"], st.slider, max_value=T, disabled=disabled)
    with middle:
        state.bound_widget(SETTING["mem_h"], st.slider, disabled=disabled)
        state.bound_widget(SETTING["mem_size"], st.radio, horizontal=True, disabled=disabled)
    with right:
        state.bound_widget(SETTING["mem_epochs"], st.number_input, disabled=disabled)
        state.bound_widget(SETTING["mem_seed"], st.number_input, disabled=disabled)
    columns = st.columns(4, gap="large")
    for column, cell in zip(columns, core.CELLS, strict=False):
        with column:
            state.lr_slider(SETTING[f"mem_lr_{cell}"], memory.MEMORY_LR_GRID, disabled)
    with columns[3]:
        state.bound_widget(
            SETTING["mem_rnn_init"],
            st.radio,
            format_func={"tutorial": "the tutorial's", "pytorch": "PyTorch's"}.get,
            horizontal=True,
            disabled=disabled,
        )
        state.bound_widget(SETTING["mem_fbias"], st.toggle, disabled=disabled)
    st.caption(
        f"Fixed for every run: $\\sigma_\\varepsilon = {memory.MEMORY_NOISE:g}$, "
        f"{memory.MEMORY_WINDOWS} fresh windows an epoch in mini-batches of "
        f"{memory.MEMORY_BATCH} (so {-(-memory.MEMORY_WINDOWS // memory.MEMORY_BATCH)} updates "
        f"an epoch), every gradient entry clipped to $\\pm{memory.MEMORY_CLIP:g}$, full BPTT."
    )


def size_table(runs: dict[str, RecallRequest]) -> pd.DataFrame:
    """Each cell's H, gate blocks and parameter count."""
    return pd.DataFrame(
        {
            "cell": [core.CELL_LABELS[cell] for cell in runs],
            "H": [run.hidden_size for run in runs.values()],
            "gate blocks in W_hh": [core.gate_count(cell) for cell in runs],
            "parameters": [
                f"{core.parameter_count(cell, run.hidden_size):,}" for cell, run in runs.items()
            ],
            "initialisation": [_init_text(run) for run in runs.values()],
        }
    )


def _init_text(run: RecallRequest) -> str:
    if run.init == "tutorial":
        return "the tutorial's"
    if run.forget_bias is not None:
        return f"PyTorch's, forget gate's bias {run.forget_bias:g}"
    return "PyTorch's"
