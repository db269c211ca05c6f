"""One colour-blind-safe palette for every figure (Okabe & Ito, 2008)."""

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"

SERIES = BLUE  # the temperature series
INPUT = SKY_BLUE  # a window's input days
TARGET = VERMILLION  # the day a window predicts
PREDICTION = ORANGE

# Diverging scale for signed quantities (weights, gradients): blue negative, white 0, vermillion +.
DIVERGING = [[0.0, BLUE], [0.5, "#F7F7F7"], [1.0, VERMILLION]]
# Sequential scale for magnitudes.
SEQUENTIAL = "Cividis"

# Compared runs, in order: distinguishable for colour-blind eyes.
RUNS = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION)


def run_colour(index: int) -> str:
    """The colour of the `index`-th compared run (0-based)."""
    return RUNS[index % len(RUNS)]
