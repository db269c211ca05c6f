"""Runs compared side by side on the training page: learning rates, and the truncated-BPTT
experiment (k = 1, 2, 3 and full), each trained as one stacked computation in the pool."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from rnnviz.figures.comparisons import truncation_figure
from rnnviz.figures.inside import gradient_norm_figure
from rnnviz.figures.training import loss_figure
from rnnviz.runs import CompareRequest, CompareResult, RunResult, TrainRequest
from rnnviz.text import numbers, training
from rnnviz.ui import layout, series
from rnnviz.ui.training import fit, heldout, jobs


def run_label(request: TrainRequest, varies: str) -> str:
    if varies == "truncate":
        return "full BPTT" if request.truncate is None else f"k = {request.truncate}"
    return f"η = {numbers.lr_text(request.lr)}"


def job_buttons(key: str, request: CompareRequest, label: str) -> None:
    """Start / Stop for a comparison job, and the server's cached result if it has one."""
    jobs.adopt_cached(key, request)
    job = jobs.tracked(key)
    busy = jobs.busy(key)
    left, right, _ = st.columns([1.6, 1, 3])
    left.button(
        label,
        on_click=jobs.submit,
        args=(key, request),
        disabled=busy,
        width="stretch",
        type="primary",
    )
    right.button(
        "Stop",
        on_click=jobs.stop,
        args=(key,),
        disabled=not busy,
        key=f"stop_{key}",
        width="stretch",
    )
    if job is not None and job.request != request:
        st.info(
            "Shown below: runs trained with other settings. Press the button for these.",
            icon=":material/info:",
        )


def snapshot_runs(job: jobs.Tracked) -> list[RunResult]:
    """A comparison's K runs as RunResults: the finished ones, or built from the snapshot
    (a run whose column ends early in NaN diverged there)."""
    if job.result is not None:
        return list(job.result.runs)
    if job.params is None:
        return []
    losses = np.asarray(job.total_loss, float).reshape(-1, len(job.request.runs))
    runs = []
    for m, request in enumerate(job.request.runs):
        total = losses[:, m][np.isfinite(losses[:, m])]
        runs.append(
            RunResult.from_snapshot(
                request,
                job.params[m],
                total,
                elapsed_s=job.elapsed_s,
                stopped_early=job.state == jobs.JobState.STOPPED,
                diverged=total.shape[0] < losses.shape[0],
                message=job.message,
            )
        )
    return runs


def run_status(run: RunResult, job: jobs.Tracked) -> str:
    if run.diverged:
        return "diverged"
    if job.state == jobs.JobState.STOPPED or run.stopped_early:
        return "stopped"
    return "training" if job.active else "finished"


def metrics_table(job: jobs.Tracked, varies: str) -> pd.DataFrame:
    """One row per run: its setting, epochs done, final training loss and fresh-data error."""
    rows = []
    for run in snapshot_runs(job):
        loss = np.asarray(run.mean_loss, float) * run.scaler.std**2  # °C² per window
        row = {
            "run": run_label(run.request, varies),
            "epochs done": int(loss.shape[0]),
            "final training loss (°C²)": float(loss[-1]) if loss.size else None,
        }
        if run.request.observed is None:
            row["fresh-data MSE (°C²)"] = fit.fresh_mse(run)
        report = heldout.report_of(run) if run.request.holdout else None
        if report is not None:
            row["held-out MSE (°C²)"] = report.rnn_mse
        row["status"] = run_status(run, job)
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_curves(job: jobs.Tracked, varies: str) -> None:
    """Overlaid loss curves of the K runs so far (°C² per window, log scale)."""
    runs = job.request.runs
    _, X, _, scaler = runs[0].data()
    losses = np.asarray(job.total_loss, float).reshape(-1, len(runs)) / X.shape[0]
    curves = [(run_label(run, varies), losses[:, m] * scaler.std**2) for m, run in enumerate(runs)]
    noise = dict(runs[0].series).get("sigma")
    floor = noise**2 if noise and runs[0].observed is None else None
    what = "learning rate $\\eta$" if varies == "lr" else "truncation depth $k$"
    floor_text = (
        " The dashed line is the noise floor $\\sigma^2$; a loss far below it means the run fits "
        f"the noise of its {X.shape[0]} windows."
        if floor is not None
        else ""
    )
    layout.chart(
        loss_figure(curves, epochs=job.epochs, noise_floor=floor, max_points=jobs.LIVE_POINTS),
        f"One line per run, the same start and data, only the {what} differs: the mean loss per "
        "window on the training windows (log scale, squared temperature units), epoch by epoch."
        + floor_text,
        key=f"curves_{varies}",
    )


def gradient_norms(result: CompareResult, varies: str) -> None:
    """‖∂L/∂h_t‖ per timestep of each run, recorded every few epochs during training."""
    runs = [
        (run_label(run.request, varies), epochs, norms)
        for run, epochs, norms in zip(
            result.runs, result.grad_norm_epochs, result.grad_norms, strict=True
        )
    ]
    layout.chart(
        gradient_norm_figure(runs),
        "How strongly the loss pulls on each hidden state $h_t$: "
        "$\\lVert \\partial L / \\partial h_t \\rVert$ averaged over the windows "
        "(colour: $\\log_{10}$), measured every few epochs during training with full BPTT. "
        "Columns to the left are earlier days: where the colour fades, the gradient (and what "
        "the RNN can learn about those days) vanishes. Column 0 is $h_0$, which is never used to "
        "update a weight.",
        key=f"norms_{varies}",
    )


def draw_compare(job: jobs.Tracked) -> None:
    """The compared learning rates: live curves, then a table and the gradient norms."""
    jobs.status(job, "Comparing")
    if job.epoch == 0:
        return
    comparison_curves(job, "lr")
    if job.active:  # the table's fresh-data errors are measured once the runs have ended
        return
    st.dataframe(metrics_table(job, "lr"), hide_index=True, width="stretch")
    measures = (
        "Fresh-data MSE: the error on 10,000 new days from the same process (see the section "
        "above); the noise floor $\\sigma^2$ is the best any predictor can do."
        if job.request.runs[0].observed is None
        else "A measured series has no process to draw fresh days from."
    )
    if job.request.runs[0].holdout:
        measures += " Held-out MSE: the error on the held-out tail, never trained on."
    st.caption(f"Final training loss: the mean loss per window in the last epoch. {measures}")
    if job.result is not None:
        gradient_norms(job.result, "lr")
    messages = [run.message for run in snapshot_runs(job) if run.diverged]
    for message in dict.fromkeys(messages):
        st.error(message, icon=":material/error:")


def truncation_intro() -> None:
    """What the experiment does, and what it is measured on for this series."""
    measured = series.is_measured()
    on = (
        "on the held-out tail (a real series has no process to draw fresh days from)"
        if measured
        else "on fresh data, against the noise floor and the best rule that uses only yesterday"
    )
    needs = (
        "Real weather remembers more than yesterday"
        if measured
        else "The weather process needs two past days ($\\varphi_1$ and $\\varphi_2$)"
    )
    st.markdown(
        "Truncated BPTT carries `dh_next` back only $k$ steps from the last day; earlier steps "
        f"add nothing to $dW_{{xh}}$, $dW_{{hh}}$, $db_h$. {needs}: this experiment trains the "
        "settings above with $k = 1, 2, 3$ and full BPTT from the same start and measures each "
        f"{on}."
    )


def draw_truncation(job: jobs.Tracked) -> None:
    """The truncation experiment: live curves, then each depth's fresh-data error."""
    jobs.status(job, "Truncation experiment")
    if job.epoch == 0:
        return
    comparison_curves(job, "truncate")
    if job.active:  # fresh-data errors are measured once the runs have ended
        return
    runs = snapshot_runs(job)
    results = {run_label(run.request, "truncate"): fit.fresh_mse(run) for run in runs}
    reference = fit.fresh_reference(runs[0].request)
    if reference is None:
        st.caption("Fresh data needs the generated series; a measured series has none.")
        st.dataframe(metrics_table(job, "truncate"), hide_index=True, width="stretch")
        return
    layout.chart(
        truncation_figure(
            results,
            noise_floor=reference.noise_floor,
            references={"best one-lag predictor": reference.one_lag},
        ),
        training.truncation_sentence(results, reference),
        key="truncation_bars",
    )
    if job.result is not None:
        gradient_norms(job.result, "truncate")
