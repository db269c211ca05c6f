"""Every random draw in rnnviz comes from a Generator built here from an explicit seed."""

from __future__ import annotations

import numpy as np

from .validation import check_int


def as_generator(seed: int | np.random.Generator) -> np.random.Generator:
    """A Generator from a seed (int >= 0), or the given Generator unchanged.

    No module-level seeding anywhere: the same seed gives the same numbers for every student.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_int(seed, "The seed", 0))
