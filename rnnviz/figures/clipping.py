"""The tutorial's element-wise clipping made visible: every gradient entry before and after."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rnnviz.core import PARAM_NAMES, clip_grads
from rnnviz.core.memory import ClipEffect
from rnnviz.figures import palette, style
from rnnviz.figures.gradcheck import entry_labels, group_separators, group_ticks

# Up to this many entries (H = 1 has 5) each bar carries its value as text.
LABELLED_ENTRIES = 12


def clipping_figure(effect: ClipEffect, clip: float | None) -> go.Figure:
    """Bars of ∇θ per parameter entry, before clipping (top) and after (bottom), with ±clip shaded.

    effect : ClipEffect from `core.memory.clip_effect` (before = the BPTT gradients, after =
        `core.clip_grads(grads, clip)`, both flattened in the order W_xh, W_hh, b_h, W_hy, b_y)
    clip : the clipping bound, or None (no band; the bottom row equals the top)

    Entries that clipping changed are vermillion, the others blue.
    """
    labels = entry_labels(effect.shapes)
    entries = [label for _, label in labels]
    index = np.arange(len(entries))
    colours = np.where(effect.clipped, palette.VERMILLION, palette.BLUE)
    with_text = len(entries) <= LABELLED_ENTRIES
    rows = (("x", "y", effect.before, "before"), ("x2", "y2", effect.after, "after"))
    traces = [
        go.Bar(
            x=index,
            y=values,
            name=name,
            marker={"color": colours.tolist()},
            customdata=entries,
            text=[f"{v:.3g}" for v in values] if with_text else None,
            textposition="outside" if with_text else None,
            cliponaxis=False,
            hovertemplate="%{customdata}: %{y:.4g}<extra>" + name + "</extra>",
            showlegend=False,
            xaxis=xaxis,
            yaxis=yaxis,
        )
        for xaxis, yaxis, values, name in rows
    ]
    # A legend for the colours, as empty traces, so the bars above stay one trace per row.
    legend = [(palette.VERMILLION, "entry changed by clipping"), (palette.BLUE, "entry unchanged")]
    if clip is not None:
        legend.append((palette.YELLOW, f"band ±{clip:g}"))
    traces += [go.Bar(x=[None], y=[None], marker={"color": c}, name=n) for c, n in legend]

    shapes = []
    if clip is not None:
        shapes += [
            {
                "type": "rect",
                "xref": f"{xaxis} domain",
                "x0": 0,
                "x1": 1,
                "yref": yaxis,
                "y0": -clip,
                "y1": clip,
                "fillcolor": palette.YELLOW,
                "opacity": 0.35,
                "line": {"width": 0},
                "layer": "below",
            }
            for xaxis, yaxis, _, _ in rows
        ]
    parameters = [name for name, _ in labels]
    if not with_text:
        shapes += group_separators(parameters)
    ticks = group_ticks(parameters)
    ticks_x = {
        "tickvals": index if with_text else [position for position, _ in ticks],
        "ticktext": entries if with_text else [name for _, name in ticks],
    }
    axis_y = {"title": {"text": "dL/dθ"}, "zeroline": True, "zerolinecolor": palette.GREY}
    bottom_y = dict(axis_y)
    if clip is not None:
        # Keep the ±clip band and the clipped bars readable in the bottom row.
        top = 1.35 * max(clip, float(np.abs(effect.after).max()))
        bottom_y["range"] = [-top, top]
    titles = (
        "∇θ from BPTT, before clipping",
        "after clipping" if clip is not None else "after clipping (off: unchanged)",
    )
    layout = {
        # The legend rises above the top panel's title.
        **style.layout(480, legend_y=1.06),
        "bargap": 0.15,
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
        "xaxis2": {"anchor": "y2", **ticks_x},
        "yaxis": {"domain": [0.56, 1.0], **axis_y},
        "yaxis2": {"domain": [0.0, 0.44], **bottom_y},
        "shapes": shapes,
        "annotations": [
            {
                "text": title,
                "xref": "paper",
                "x": 0.5,
                "xanchor": "center",
                "yref": "paper",
                "y": y,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": style.TITLE_SIZE},
            }
            for title, y in zip(titles, (1.0, 0.44), strict=True)
        ],
    }
    return go.Figure(data=traces, layout=layout)


def update_table(
    params: dict[str, np.ndarray],
    new_params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    clip: float | None,
) -> pd.DataFrame:
    """One row per parameter entry: θ, ∇θ, clipped ∇θ, Δθ and θ after the step.

    params : the model before the step;  new_params : after `core.sgd_step` on a copy
    grads : the BPTT gradients (unclipped);  clip : the bound `sgd_step` used, or None
    Δθ is ``θ after − θ``, which is ``−η·clip(∇θ)`` up to rounding.
    """
    clipped = clip_grads(grads, clip)
    labels = entry_labels({name: np.shape(params[name]) for name in PARAM_NAMES})

    def flat(arrays: dict[str, np.ndarray]) -> np.ndarray:
        return np.concatenate([np.ravel(arrays[name]) for name in PARAM_NAMES]).astype(float)

    theta, theta_after = flat(params), flat(new_params)
    return pd.DataFrame(
        {
            "entry": [label for _, label in labels],
            "θ": theta,
            "∇θ": flat(grads),
            "clipped ∇θ": flat(clipped),
            "Δθ = −η·clipped ∇θ": theta_after - theta,
            "θ after": theta_after,
        }
    )
