"""rnnviz.core.data: the tutorial's AR(2) weather series, its stationarity, and sliding windows."""

import numpy as np
import pytest

from rnnviz import core
from tests import tutorial_oracle as oracle


def ar2_residuals(temps, phi=(0.7, 0.2), mu=0.0):
    """(T_t - mu) - phi1·(T_(t-1) - mu) - phi2·(T_(t-2) - mu) for t = 2..n-1: the noise draws."""
    centred = np.asarray(temps) - mu
    return centred[2:] - phi[0] * centred[1:-1] - phi[1] * centred[:-2]


# ---- weather_series ---------------------------------------------------------------------------


def test_defaults_are_the_tutorials_100_days_starting_20_21():
    temps = core.weather_series()
    assert temps.shape == (100,)
    assert temps.dtype == np.float64
    assert (temps[0], temps[1]) == (20.0, 21.0)


def test_same_seed_same_series_different_seed_different_series():
    np.testing.assert_array_equal(core.weather_series(seed=3), core.weather_series(seed=3))
    assert not np.allclose(core.weather_series(seed=3), core.weather_series(seed=4))


def test_a_generator_is_used_as_given():
    np.testing.assert_array_equal(
        core.weather_series(seed=np.random.default_rng(5)), core.weather_series(seed=5)
    )


def test_without_noise_the_series_is_the_deterministic_ar2_recursion():
    temps = core.weather_series(n=50, sigma=0.0, seed=1)
    expected = [20.0, 21.0]
    for _ in range(48):
        expected.append(0.7 * expected[-1] + 0.2 * expected[-2])
    np.testing.assert_array_equal(temps, expected)


@pytest.mark.parametrize("seed, sigma", [(0, 0.5), (7, 2.0), (123, 0.01)])
def test_the_noise_is_the_seeded_generators_normal_draws(seed, sigma):
    temps = core.weather_series(n=60, sigma=sigma, seed=seed)
    draws = np.random.default_rng(seed).normal(0, sigma, 58)
    np.testing.assert_allclose(ar2_residuals(temps), draws, rtol=0, atol=1e-12)


def test_equals_the_tutorials_own_loop_for_the_same_noise_draws():
    draws = np.random.default_rng(0).normal(0, 0.5, 98)
    expected = oracle.tutorial_temps(draws)
    np.testing.assert_allclose(core.weather_series(seed=0), expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("mu", [15.0, -3.5])
def test_mean_level_shifts_the_process_around_mu(mu):
    # T_t - mu = phi1·(T_(t-1) - mu) + phi2·(T_(t-2) - mu) + noise: the tutorial's process,
    # started from (20 - mu, 21 - mu) and lifted by mu.
    shifted = core.weather_series(n=80, seed=2, mean_level=mu)
    lifted = mu + core.weather_series(n=80, seed=2, start=(20.0 - mu, 21.0 - mu))
    np.testing.assert_allclose(shifted, lifted, rtol=0, atol=1e-12)
    draws = np.random.default_rng(2).normal(0, 0.5, 78)
    np.testing.assert_allclose(ar2_residuals(shifted, mu=mu), draws, rtol=0, atol=1e-12)


def test_mean_level_is_a_fixed_point_without_noise():
    temps = core.weather_series(n=30, sigma=0.0, start=(12.0, 12.0), mean_level=12.0)
    np.testing.assert_allclose(temps, 12.0, rtol=0, atol=1e-12)
    # ... and the tutorial's mu = 0 decays towards 0 instead.
    assert abs(core.weather_series(n=300, sigma=0.0)[-1]) < 1e-6


def test_an_exploding_series_raises_instead_of_returning_inf():
    assert not core.is_stationary((1.0, 0.1))
    with pytest.raises(ValueError, match="not stationary"):
        core.weather_series(n=10_000, phi=(1.0, 0.1))
    # A short run of the same process is finite, and returned.
    short = core.weather_series(n=50, phi=(1.0, 0.1))
    assert np.all(np.isfinite(short))


# ---- stationarity ------------------------------------------------------------------------------


def test_tutorial_phi_has_roots_0918_and_minus_0218():
    result = core.ar2_stationarity((0.7, 0.2))
    assert result.stationary
    np.testing.assert_allclose(result.roots.real, [0.9179, -0.2179], atol=1e-4)
    np.testing.assert_allclose(result.roots.imag, 0.0, atol=1e-12)
    # The roots solve z² - phi1·z - phi2 = 0.
    np.testing.assert_allclose(result.roots**2 - 0.7 * result.roots - 0.2, 0, atol=1e-12)
    assert result.largest_root == pytest.approx(0.9179, abs=1e-4)


def test_phi_1_0_1_is_not_stationary():
    result = core.ar2_stationarity((1.0, 0.1))
    assert not result.stationary
    assert np.abs(result.roots).max() > 1
    assert result.largest_root == np.abs(result.roots).max()


@pytest.mark.parametrize(
    "phi, stationary",
    [
        ((0.5, 0.5), False),  # phi1 + phi2 = 1: a root at z = 1
        ((0.5, 0.4999), True),
        ((-0.5, 0.5), False),  # phi2 - phi1 = 1: a root at z = -1
        ((-0.5, 0.4999), True),
        ((0.0, -1.0), False),  # |phi2| = 1: complex roots on the unit circle
        ((0.0, -0.9999), True),
        ((1.5, -0.6), True),  # inside the triangle, complex roots
        ((0.0, 0.0), True),
        ((2.0, -1.0), False),  # the corner (2, -1)
    ],
)
def test_the_triangle_and_its_boundary(phi, stationary):
    result = core.ar2_stationarity(phi)
    assert result.stationary is stationary
    assert core.is_stationary(phi) is stationary
    # The triangle agrees with the roots: stationary iff every root is inside the unit circle.
    assert bool(np.abs(result.roots).max() < 1 - 1e-9) is stationary


def test_triangle_agrees_with_roots_on_a_grid():
    for phi1 in np.linspace(-2.5, 2.5, 41):
        for phi2 in np.linspace(-1.5, 1.5, 31):
            result = core.ar2_stationarity((phi1, phi2))
            largest = np.abs(result.roots).max()
            if abs(largest - 1) > 1e-9:  # off the boundary, where rounding decides
                assert result.stationary == (largest < 1), (phi1, phi2)


# ---- make_windows ------------------------------------------------------------------------------


def test_tutorial_windows_95_of_5_days():
    temps = core.weather_series()
    X, y = core.make_windows(temps)
    assert X.shape == (95, 5) and y.shape == (95,)
    for i in range(95):
        np.testing.assert_array_equal(X[i], temps[i : i + 5])
        assert y[i] == temps[i + 5]


def test_windows_equal_the_tutorials_make_dataset():
    temps = core.weather_series(seed=9)
    for seq_len in (1, 5, 17, 99):
        X, y = core.make_windows(temps, seq_len=seq_len)
        X_ref, y_ref = oracle.make_dataset(list(temps), seq_len=seq_len)
        np.testing.assert_array_equal(X, X_ref)
        np.testing.assert_array_equal(y, y_ref)


def test_windows_are_copies_not_views():
    temps = core.weather_series(n=10)
    X, y = core.make_windows(temps, seq_len=3)
    X[0, 0] = -99.0
    y[0] = -99.0
    assert temps[0] == 20.0 and temps[3] != -99.0


@pytest.mark.parametrize("n, seq_len", [(5, 5), (2, 5), (1, 1)])
def test_a_series_too_short_for_one_window_raises(n, seq_len):
    with pytest.raises(ValueError, match="too short"):
        core.make_windows(np.arange(n, dtype=float), seq_len=seq_len)


def test_the_shortest_series_gives_one_window():
    X, y = core.make_windows([1.0, 2.0, 3.0], seq_len=2)
    assert X.tolist() == [[1.0, 2.0]] and y.tolist() == [3.0]
