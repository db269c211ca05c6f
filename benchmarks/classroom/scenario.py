"""The classroom as settings: who the sessions are, what they do, and the command line for it.

One frozen `Scenario` holds every setting of a run; `seats()` turns it into the role of each
session, and the methods below say what a given session does (its URL, its training settings,
its think times, when it arrives). Changing the classroom means changing this module; the
sessions read it, never argv.

Two classrooms share the code:
- the room where everyone trains (the default, `trainers=None`): every session steps, trains
  its own model on the teacher's series, and steps again;
- the older classroom (`trainers=N`): N protocol sessions only train (the default model, seeds
  1000+i) and everyone else only steps.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, replace
from enum import StrEnum

from rnnviz import settings as schema

# The learning rates students pick: the slider's grid from 1e-4 to 1e-2 (none of these diverges
# on the teacher's series with the default clipping; a run that did would be reported as such).
LR_CHOICES = tuple(lr for lr in schema.LR_GRID if 1e-4 <= lr <= 1e-2)
SMALL_H = 8  # about a third of the students train H = 8 instead of the tutorial's 20
TUTORIAL_H = int(schema.BY_NAME["hidden"].default)


class Client(StrEnum):
    CHROMIUM = "chromium"  # a headless Chromium page, rendering included
    PROTOCOL = "protocol"  # benchmarks.stclient over the websocket


class Role(StrEnum):
    TEACHER = "teacher"  # session 0: opens a room, leads its moves, then as a student
    FOLLOWER = "follower"  # joins the room, follows the teacher's moves, then as a student
    STUDENT = "student"  # steps, trains its own model, steps again (the room where all train)
    STEPPER = "stepper"  # only steps (the older classroom)
    TRAINER = "trainer"  # only trains the default model with its own seed (the older classroom)


@dataclass(frozen=True, order=True)
class Seat:
    """What one session is: its client and its role."""

    client: Client
    role: Role


@dataclass(frozen=True)
class Training:
    """The settings one session trains with (the others are the app's defaults)."""

    lr: float
    seed: int  # the weight seed
    hidden: int  # H
    epochs: int

    def query(self) -> dict[str, str]:
        """These settings as the app writes them into the URL (only those off their default)."""
        values = {"lr": self.lr, "wseed": self.seed, "hidden": self.hidden, "epochs": self.epochs}
        return {
            name: schema.BY_NAME[name].format(value)
            for name, value in values.items()
            if value != schema.BY_NAME[name].default
        }

    def describe(self) -> str:
        return f"η {self.lr:g}, seed {self.seed}, H {self.hidden}"


@dataclass(frozen=True)
class Scenario:
    sessions: int = 30  # sessions on one server; session 0 arrives first
    browsers: int = 4  # the first ones are headless Chromium pages (teacher, then followers)
    followers: int = 4  # protocol sessions, besides the Chromium ones, that join the room
    lead: int = 7  # the teacher's moves the followers follow before exploring on their own
    trainers: int | None = None  # None: everyone trains; N: the older classroom (see above)
    clicks: int = 12  # stepping moves per session (everyone trains: half before Train)
    think: float = 2.0  # mean seconds between moves (uniform in 0.5–1.5 × think)
    ramp: float = 10.0  # seconds over which the sessions open
    epochs: int | None = None  # epochs of every training (None: the app's 2,500)
    timeout: float = 900.0  # limit for the whole benchmark, seconds
    wait_training: bool = True  # watch every training to its end (else until the stepping ends)
    presenter: bool = True  # session 0 opens a room, the followers join it
    cold: bool = False  # every session hits the fresh server at once
    workers: int | None = None  # RNNVIZ_TRAINING_WORKERS for the server (None: the app's)
    server_flags: tuple[str, ...] = ()  # extra `streamlit run` flags
    load_nice: int = 5  # niceness of Chromium and its driver (server 0, training 10)
    seed: int = 0  # seed of the think times and of the students' training settings
    calibration: int = 20  # moves of the idle baseline before the room arrives (0: none)

    @property
    def everyone_trains(self) -> bool:
        return self.trainers is None

    def fitted(self) -> Scenario:
        """The same scenario with the role counts fitted into `sessions`."""
        browsers = max(0, min(self.browsers, self.sessions))
        trainers = self.trainers
        if trainers is not None:
            trainers = max(0, min(trainers, self.sessions - browsers))
        followers = max(0, min(self.followers, self.sessions - browsers - (trainers or 0)))
        lead = max(1, self.lead) if self.presenter else 0
        return replace(self, browsers=browsers, trainers=trainers, followers=followers, lead=lead)

    def seats(self) -> tuple[Seat, ...]:
        """Each session's client and role, by session number: Chromium pages first (session 0
        the teacher, the others followers), then protocol followers, the others after them
        (in the older classroom, trainers last)."""
        seats = []
        trainers = self.trainers or 0
        for i in range(self.sessions):
            client = Client.CHROMIUM if i < self.browsers else Client.PROTOCOL
            if i >= self.sessions - trainers and client == Client.PROTOCOL:
                role = Role.TRAINER
            elif self.presenter and i == 0:
                role = Role.TEACHER
            elif self.presenter and (i < self.browsers or i < self.browsers + self.followers):
                role = Role.FOLLOWER
            else:
                role = Role.STUDENT if self.everyone_trains else Role.STEPPER
            seats.append(Seat(client, role))
        return tuple(seats)

    def trains(self, role: Role) -> bool:
        """Whether a session of this role trains."""
        return role == Role.TRAINER or (self.everyone_trains and role != Role.STEPPER)

    def clicks_before_training(self) -> int:
        return self.clicks // 2 if self.everyone_trains else self.clicks

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

    def training(self, idx: int) -> Training:
        """What session idx trains. Everyone trains: a weight seed and a learning rate drawn per
        student from the scenario's seed (seeds distinct), and H = 8 for about a third of the
        room. The older classroom: the default model with seed 1000 + idx."""
        epochs = self.epochs or int(schema.BY_NAME["epochs"].default)
        if not self.everyone_trains:
            return Training(float(schema.BY_NAME["lr"].default), 1000 + idx, TUTORIAL_H, epochs)
        rng = random.Random(f"rnnviz classroom {self.seed}")
        seeds = rng.sample(range(1, 100_000), self.sessions)
        small = set(rng.sample(range(self.sessions), round(self.sessions / 3)))
        lrs = [rng.choice(LR_CHOICES) for _ in range(self.sessions)]
        hidden = SMALL_H if idx in small else TUTORIAL_H
        return Training(lrs[idx], seeds[idx], hidden, epochs)

    def start_query(self, idx: int, role: Role) -> str:
        """The query of the stepper URL session idx opens: its window and model seed, and, if it
        trains without following, its training settings (a follower takes on the teacher's
        settings when it joins, and sets its own on the training page, as a student would)."""
        win, seed = self.window_and_seed(idx)
        query = {"win": str(win), "model_seed": str(seed)}
        if self.everyone_trains and role in (Role.TEACHER, Role.STUDENT):
            query |= self.training(idx).query()
        return "&".join(f"{k}={v}" for k, v in query.items())

    def describe(self) -> str:
        if not self.everyone_trains:
            return f"{self.trainers} trainers (default model, seeds 1000+i) and steppers"
        epochs = self.epochs or int(schema.BY_NAME["epochs"].default)
        trainings = [self.training(i) for i in range(self.sessions)]
        small = sum(t.hidden == SMALL_H for t in trainings)
        return (
            f"everyone steps and trains ({self.clicks_before_training()} moves, Train, "
            f"{self.clicks - self.clicks_before_training()} moves): {epochs:,} epochs, "
            f"η drawn from {', '.join(f'{lr:g}' for lr in LR_CHOICES)}, {small} of "
            f"{self.sessions} with H = {SMALL_H}, the others H = {TUTORIAL_H}"
        )


# --quick: a short check (~2 minutes); a flag given beside it still counts.
QUICK = dict(
    sessions=8, browsers=2, followers=1, lead=5, clicks=6, think=0.5, ramp=2.0, epochs=300,
)  # fmt: skip


def _parser(description: str) -> argparse.ArgumentParser:
    default = Scenario()
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add("--sessions", type=int, default=default.sessions)
    add("--browsers", type=int, default=default.browsers, help="headless Chromium pages")
    add("--followers", type=int, default=default.followers, help="protocol clients in the room")
    add("--lead", type=int, default=default.lead, help="teacher's moves the followers follow")
    add(
        "--trainers",
        type=int,
        help="the older classroom: this many protocol sessions only train (the default model), "
        "everyone else only steps (default: everyone steps and trains)",
    )
    add("--clicks", type=int, default=default.clicks, help="stepping moves per session")
    add("--think", type=float, default=default.think, help="mean seconds between moves")
    add("--ramp", type=float, default=default.ramp, help="seconds to open all sessions")
    add("--epochs", type=int, help="epochs of every training (default: the app's 2,500)")
    add("--timeout", type=float, default=default.timeout, help="overall limit, seconds")
    add(
        "--no-wait-training",
        dest="wait_training",
        action="store_false",
        help="the older classroom: stop when the stepping ends, not when every training ends",
    )
    add("--no-presenter", dest="presenter", action="store_false")
    add(
        "--cold",
        action="store_true",
        help="every session hits the fresh server at once (default: session 0 first)",
    )
    add("--workers", type=int, help="RNNVIZ_TRAINING_WORKERS for the server")
    add(
        "--server-flag",
        dest="server_flags",
        action="append",
        default=[],
        metavar="--OPTION=VALUE",
        help="an extra `streamlit run` flag to try, e.g. --server-flag=--runner.postScriptGC=false",
    )
    add(
        "--load-nice",
        type=int,
        default=default.load_nice,
        choices=range(20),
        metavar="0-19",
        help="CPU niceness of Chromium and the Playwright driver; the server and this process "
        "(the protocol clients and every timestamp) run at 0, the training workers at 10. "
        "0: the browsers compete with the server as equals",
    )
    add("--seed", type=int, default=default.seed, help="seed of think times and settings")
    add(
        "--calibration",
        type=int,
        default=default.calibration,
        help="moves of the idle baseline (0: none)",
    )
    add("--quick", action="store_true", help="a short check: 8 sessions, 300 epochs")
    return parser


def from_command_line(description: str, argv: list[str] | None = None) -> Scenario:
    """The scenario the command line asks for (defaults: `Scenario()`; with --quick, `QUICK`
    and shorter limits, each overridden by its own flag)."""
    parser = _parser(description)
    if parser.parse_args(argv).quick:
        parser.set_defaults(**QUICK, timeout=300.0, calibration=8)
    args = vars(parser.parse_args(argv))
    del args["quick"]
    return Scenario(**{**args, "server_flags": tuple(args["server_flags"])}).fitted()
