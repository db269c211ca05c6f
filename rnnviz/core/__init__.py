"""rnnviz.core: all of the tutorial's maths, pure NumPy, float64. Never imports streamlit or plotly.

from rnnviz import core
temps = core.weather_series()                 # (100,) the AR(2) "weather"
X, y = core.make_windows(temps, seq_len=5)    # (95, 5), (95,)
params = core.init_params(hidden_size=20, seed=0)
history = core.train(params, X, y)            # the tutorial's 2500 epochs of per-sample SGD
"""

from .baselines import (
    FRESH_DAYS,
    SCALINGS,
    AR2Theory,
    Baselines,
    FitReport,
    Scaling,
    ar2_theory,
    burn_in_days,
    compute_baselines,
    fit_report,
    fresh_series,
    predict_temperatures,
)
from .bptt import BPTTResult, backward, clip_grads
from .data import (
    TUTORIAL_N,
    TUTORIAL_PHI,
    TUTORIAL_SEQ_LEN,
    TUTORIAL_SIGMA,
    TUTORIAL_START,
    Stationarity,
    ar2_stationarity,
    is_stationary,
    make_windows,
    weather_series,
)
from .gradcheck import GradCheckReport, grad_check, relative_error
from .gradnorms import GradNorms, hidden_grad_norms
from .history import (
    History,
    StackedProgress,
    StackedResult,
    TrainingDiverged,
    TrainProgress,
)
from .rnn import (
    TUTORIAL_HIDDEN_SIZE,
    Params,
    Trace,
    copy_params,
    forward,
    init_params,
    mse,
    predict,
    step,
)
from .seeding import as_generator
from .stacked import train_stacked
from .train import TUTORIAL_CLIP, TUTORIAL_EPOCHS, TUTORIAL_LR, sgd_step, train
from .validation import PARAM_NAMES

# isort: split
# Held-out evaluation of a real series (heldout.py) and forecast comparison (comparison.py),
# one block kept last so that parallel edits above merge cleanly.
from .comparison import (
    LEVEL,
    N_BOOT,
    Comparison,
    Verdict,
    block_length_rule,
    circular_block_means,
    compare_forecasts,
)
from .heldout import (
    HOLDOUT_FRACTION,
    VALIDATION_FRACTION,
    HeldOutBaselines,
    Split,
    SplitWindows,
    chronological_split,
    fill_gaps,
    fit_scaling,
    heldout_baselines,
    split_windows,
)

# isort: split
# The gated cells (issue 13): LSTM and GRU beside the RNN, one entry point for all three.
from .cell_train import cell_sgd_step, train_cell, train_cell_recall
from .cells import (
    CELL_LABELS,
    CELLS,
    INITS,
    CellResult,
    CellTrace,
    cell_backward,
    cell_forward,
    check_cell,
    copy_cell_params,
    gate_count,
    init_cell,
    param_names,
    parameter_count,
)
from .gated import GATE_NAMES, GATED_PARAM_NAMES
from .gru import GRUResult, GRUTrace
from .lstm import LSTMResult, LSTMTrace
from .recall import RecallTask

# isort: split
# The hidden state's dynamics and each cell's gradient per timestep (issue 13's pages).
from .connectivity import GradientProfile, gradient_profile
from .dynamics import PCA, cobweb_path, day_maps, map_slopes, pca

__all__ = [
    "FRESH_DAYS",
    "SCALINGS",
    "AR2Theory",
    "Baselines",
    "FitReport",
    "GradNorms",
    "Scaling",
    "StackedProgress",
    "StackedResult",
    "ar2_theory",
    "burn_in_days",
    "compute_baselines",
    "fit_report",
    "fresh_series",
    "hidden_grad_norms",
    "predict_temperatures",
    "train_stacked",
    "PARAM_NAMES",
    "TUTORIAL_CLIP",
    "TUTORIAL_EPOCHS",
    "TUTORIAL_HIDDEN_SIZE",
    "TUTORIAL_LR",
    "TUTORIAL_N",
    "TUTORIAL_PHI",
    "TUTORIAL_SEQ_LEN",
    "TUTORIAL_SIGMA",
    "TUTORIAL_START",
    "BPTTResult",
    "GradCheckReport",
    "History",
    "Params",
    "Stationarity",
    "Trace",
    "TrainProgress",
    "TrainingDiverged",
    "ar2_stationarity",
    "as_generator",
    "backward",
    "clip_grads",
    "copy_params",
    "forward",
    "grad_check",
    "init_params",
    "is_stationary",
    "make_windows",
    "mse",
    "predict",
    "relative_error",
    "sgd_step",
    "step",
    "train",
    "weather_series",
    # Held-out evaluation (heldout.py, comparison.py)
    "HOLDOUT_FRACTION",
    "LEVEL",
    "N_BOOT",
    "VALIDATION_FRACTION",
    "Comparison",
    "HeldOutBaselines",
    "Split",
    "SplitWindows",
    "Verdict",
    "block_length_rule",
    "chronological_split",
    "circular_block_means",
    "compare_forecasts",
    "fill_gaps",
    "fit_scaling",
    "heldout_baselines",
    "split_windows",
    # The gated cells (issue 13).
    "CELLS",
    "CELL_LABELS",
    "GATED_PARAM_NAMES",
    "GATE_NAMES",
    "INITS",
    "CellResult",
    "CellTrace",
    "GRUResult",
    "GRUTrace",
    "LSTMResult",
    "LSTMTrace",
    "RecallTask",
    "cell_backward",
    "cell_forward",
    "cell_sgd_step",
    "check_cell",
    "copy_cell_params",
    "gate_count",
    "init_cell",
    "param_names",
    "parameter_count",
    "train_cell",
    "train_cell_recall",
    # Dynamics and gradient profiles (issue 13's pages).
    "PCA",
    "GradientProfile",
    "cobweb_path",
    "day_maps",
    "gradient_profile",
    "map_slopes",
    "pca",
]
