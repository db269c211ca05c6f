"""The classroom as settings: who the sessions are, what they do, and the command line for it.

One frozen `Scenario` holds every setting of a run; `seats()` turns it into the role of each
session, and the methods below say what a given session does (its URL, its think times, when it
arrives). Changing the classroom means changing this module; the sessions read it, never argv.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, replace
from enum import StrEnum


class Client(StrEnum):
    CHROMIUM = "chromium"  # a headless Chromium page, rendering included
    PROTOCOL = "protocol"  # benchmarks.stclient over the websocket


class Role(StrEnum):
    TEACHER = "teacher"  # session 0: opens a room and steps
    FOLLOWER = "follower"  # joins the room, follows the teacher's first move, then steps
    STEPPER = "stepper"  # steps through the stepper and BPTT pages
    TRAINER = "trainer"  # presses Train on the training page and watches its run


@dataclass(frozen=True, order=True)
class Seat:
    """What one session is: its client and its role."""

    client: Client
    role: Role


@dataclass(frozen=True)
class Scenario:
    sessions: int = 30  # sessions on one server; session 0 arrives first
    browsers: int = 4  # the first ones are headless Chromium pages (teacher, then followers)
    trainers: int = 10  # the last protocol sessions train the default model
    followers: int = 4  # protocol sessions, besides the Chromium ones, that join the room
    clicks: int = 20  # moves per stepping session
    think: float = 2.0  # mean seconds between moves (uniform in 0.5–1.5 × think)
    ramp: float = 10.0  # seconds over which the sessions open
    timeout: float = 900.0  # limit for the whole benchmark, seconds
    wait_training: bool = True  # after the stepping, watch every training to its end
    presenter: bool = True  # session 0 opens a room, the followers join it
    cold: bool = False  # every session hits the fresh server at once
    workers: int | None = None  # RNNVIZ_TRAINING_WORKERS for the server (None: the app's)
    server_flags: tuple[str, ...] = ()  # extra `streamlit run` flags
    load_nice: int = 5  # niceness of Chromium and its driver (server 0, training 10)
    seed: int = 0  # seed of the think times
    calibration: int = 20  # moves of the idle baseline before the room arrives (0: none)

    def fitted(self) -> Scenario:
        """The same scenario with the role counts fitted into `sessions`."""
        browsers = max(0, min(self.browsers, self.sessions))
        trainers = max(0, min(self.trainers, self.sessions - browsers))
        followers = max(0, min(self.followers, self.sessions - browsers - trainers))
        return replace(self, browsers=browsers, trainers=trainers, followers=followers)

    def seats(self) -> tuple[Seat, ...]:
        """Each session's client and role, by session number: Chromium pages first (session 0
        the teacher, the others followers), then protocol followers, trainers last."""
        seats = []
        for i in range(self.sessions):
            client = Client.CHROMIUM if i < self.browsers else Client.PROTOCOL
            if i >= self.sessions - self.trainers and client == Client.PROTOCOL:
                role = Role.TRAINER
            elif self.presenter and i == 0:
                role = Role.TEACHER
            elif self.presenter and (i < self.browsers or i < self.browsers + self.followers):
                role = Role.FOLLOWER
            else:
                role = Role.STEPPER
            seats.append(Seat(client, role))
        return tuple(seats)

    def delay(self, idx: int) -> float:
        """Seconds after the first page loaded (or the start, if cold) that session idx opens."""
        return self.ramp * idx / max(1, self.sessions - 1)

    def think_times(self, idx: int) -> random.Random:
        """Session idx's own source of think times."""
        return random.Random(self.seed * 1000 + idx)

    def think_time(self, rng: random.Random) -> float:
        return rng.uniform(0.5 * self.think, 1.5 * self.think)

    def window_and_seed(self, idx: int) -> tuple[int, int]:
        """The window and model seed session idx puts in its stepper URL (each its own)."""
        return 1 + (7 * idx) % 90, idx

    def trainer_query(self, idx: int) -> str:
        """The training page's query string for trainer idx: the default model, its own weight
        seed (a run the server has not cached)."""
        return f"wseed={self.trainer_seed(idx)}"

    def trainer_seed(self, idx: int) -> int:
        return 1000 + idx

    def describe_trainers(self) -> str:
        return "default model, seeds 1000+i"


# --quick: a short check (~1 minute). Timeout and calibration are capped, not set.
QUICK = dict(
    sessions=8, browsers=2, trainers=2, followers=1, clicks=6, think=0.5, ramp=2.0,
    wait_training=False,
)  # fmt: skip


def from_command_line(description: str, argv: list[str] | None = None) -> Scenario:
    """The scenario the command line asks for (defaults: `Scenario()`)."""
    default = Scenario()
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sessions", type=int, default=default.sessions)
    parser.add_argument(
        "--browsers", type=int, default=default.browsers, help="headless Chromium pages"
    )
    parser.add_argument("--trainers", type=int, default=default.trainers)
    parser.add_argument(
        "--followers", type=int, default=default.followers, help="protocol clients in the room"
    )
    parser.add_argument(
        "--clicks", type=int, default=default.clicks, help="moves per stepping session"
    )
    parser.add_argument(
        "--think", type=float, default=default.think, help="mean seconds between moves"
    )
    parser.add_argument(
        "--ramp", type=float, default=default.ramp, help="seconds to open all sessions"
    )
    parser.add_argument(
        "--timeout", type=float, default=default.timeout, help="overall limit, seconds"
    )
    parser.add_argument(
        "--no-wait-training",
        dest="wait_training",
        action="store_false",
        help="stop when the stepping ends instead of waiting for every training to finish",
    )
    parser.add_argument("--no-presenter", dest="presenter", action="store_false")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="every session hits the fresh server at once (default: session 0 first)",
    )
    parser.add_argument("--workers", type=int, help="RNNVIZ_TRAINING_WORKERS for the server")
    parser.add_argument(
        "--server-flag",
        dest="server_flags",
        action="append",
        default=[],
        metavar="--OPTION=VALUE",
        help="an extra `streamlit run` flag to try, e.g. --server-flag=--runner.postScriptGC=false",
    )
    parser.add_argument(
        "--load-nice",
        type=int,
        default=default.load_nice,
        choices=range(20),
        metavar="0-19",
        help="CPU niceness of Chromium and the Playwright driver; the server and this process "
        "(the protocol clients and every timestamp) run at 0, the training workers at 10. "
        "0: the browsers compete with the server as equals",
    )
    parser.add_argument("--seed", type=int, default=default.seed, help="seed of the think times")
    parser.add_argument(
        "--calibration",
        type=int,
        default=default.calibration,
        help="moves of the idle baseline (0: none)",
    )
    parser.add_argument("--quick", action="store_true", help="a short check: 8 sessions")
    args = vars(parser.parse_args(argv))
    quick = args.pop("quick")
    scenario = Scenario(**{**args, "server_flags": tuple(args["server_flags"])})
    if quick:
        scenario = replace(
            scenario,
            **QUICK,
            timeout=min(scenario.timeout, 180.0),
            calibration=min(scenario.calibration, 8),
        )
    return scenario.fitted()
