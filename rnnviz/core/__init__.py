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
]
