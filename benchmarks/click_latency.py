"""Server-side time of a Next/Back click on the stepper and BPTT pages, measured with AppTest.

    .venv/bin/python -m benchmarks.click_latency [--clicks 30]

Each click is `AppTest.button(...).click().run()`: the widget callback and a rerun of the script,
timed from outside (so it includes AppTest's own polling, a few ms). Prints the median and the
95th percentile over the clicks, alternating Next and Back around the middle of the timeline.

On both pages the step buttons sit in a fragment (`st.fragment`, rnnviz/ui/timelines.py): in a
browser a click reruns only the timeline, not the controls and panels around it. AppTest always
reruns the whole script, so the page's full rerun is an upper bound; the "timeline fragment"
rows time what a browser click really reruns, the fragment on its own.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _forward_fragment() -> None:
    # What the stepper page's fragment reruns on a Next/Back click (plus the session set-up).
    from rnnviz.ui import model, state, timelines

    state.init_session()
    timelines.forward_timeline(*model.page_pass())


def _backward_fragment() -> None:
    # What the BPTT page's fragment reruns on a Back/Next click (plus the session set-up).
    from rnnviz.ui import model, state, timelines

    state.init_session()
    timelines.backward_timeline(*model.page_pass())


def time_clicks(at: AppTest, setting: str, clicks: int) -> list[float]:
    """Seconds per click, alternating next/back between steps 2 and 3."""
    at.button(key=f"{setting}:next").click().run()
    at.button(key=f"{setting}:next").click().run()  # warm up, and start mid-timeline
    times = []
    for i in range(clicks):
        key = f"{setting}:{'next' if i % 2 == 0 else 'back'}"
        start = time.perf_counter()
        at.button(key=key).click().run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{name:<40} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30)
    args = parser.parse_args()

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/stepper.py").run()
    report("stepper: Next/Back (full page, upper bound)", time_clicks(at, "fstep", args.clicks))

    forward = AppTest.from_function(_forward_fragment, default_timeout=60).run()
    report("stepper: Next/Back (timeline fragment)", time_clicks(forward, "fstep", args.clicks))

    at.switch_page("pages/bptt.py").run()
    report("bptt: Next/Back (full page, upper bound)", time_clicks(at, "bstep", args.clicks))

    backward = AppTest.from_function(_backward_fragment, default_timeout=60).run()
    report("bptt: Next/Back (timeline fragment)", time_clicks(backward, "bstep", args.clicks))

    vector = AppTest.from_file(APP, default_timeout=60)
    vector.query_params["model"] = "vector"
    vector.query_params["model_h"] = "16"
    vector.run()
    vector.switch_page("pages/stepper.py").run()
    report("stepper, H = 16: Next/Back (full page)", time_clicks(vector, "fstep", args.clicks))


if __name__ == "__main__":
    main()
