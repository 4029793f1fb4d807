"""Reciprocity as a repeated game, and how closely real counter-expulsions matched the measure.

Notebook 03 asks why states answer an expulsion with an expulsion. It does so twice:

* with the **record**: `counter_ratio_table()` pairs each answer in `data/expulsions.csv` with
  the measure it answers (`responds_to`) and divides the people expelled in the answer by the
  people expelled in the measure, so "tit-for-tat" becomes a number students can check;
* with a **model**: the iterated Prisoner's Dilemma that Robert Axelrod used in his computer
  tournaments. Cooperate means keep or restore the other side's staff; defect means expel or
  cap. `play_match` plays two strategies against each other, `tournament` runs a round robin
  and returns a pandas DataFrame (`tournament_spread` reruns it over several seeds and keeps
  the lowest and highest score, so a figure can show how much a ranking owes to chance), and
  `RepeatedGame` is the game a student plays (one button press a round, against a hidden
  strategy) through `widgets.reciprocity.ReciprocityGame`. The game can have a known length or,
  as in notebook 03, an unknown one: after each round it goes on with a *continuation
  probability*, the "shadow of the future" of the repeated-games literature, so no round is
  known to be the last and defecting at the end is not free.

Every random draw (a misread move, a forgiving strategy's mercy, the random strategy, the
hidden opponent) comes from one `random.Random` seeded by the caller, so a given seed always
gives the same match and tests can check exact scores. Noise here is *misperception*: with
probability `noise` a player sees the other's move the wrong way round, while the points are
paid on what was really played.

pandas and matplotlib are imported inside the functions that need them, so
importing this module stays cheap.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure


__all__ = [
    "COOPERATE",
    "DEFECT",
    "HIDDEN_OPPONENTS",
    "NAMED_PAIRS",
    "PAYOFFS",
    "STRATEGIES",
    "MatchResult",
    "Payoffs",
    "RepeatedGame",
    "RoundResult",
    "Strategy",
    "counter_ratio_table",
    "play_match",
    "plot_counter_ratios",
    "plot_tournament",
    "ratio_summary",
    "tournament",
    "tournament_spread",
    "twin_matches",
]

COOPERATE = "C"  # keep or restore the other side's staff, visas, banking, property
DEFECT = "D"  # expel, cap, close or refuse
MOVES = (COOPERATE, DEFECT)
MOVE_WORDS = {COOPERATE: "kept staff", DEFECT: "expelled / capped"}


# ---------------------------------------------------------------------------------------
# Payoffs


@dataclass(frozen=True)
class Payoffs:
    """Points per round for one side, given both moves: a Prisoner's Dilemma.

    `temptation` (T): you expel while they keep your staff; `reward` (R): both keep working
    missions; `punishment` (P): both expel; `sucker` (S): you keep their staff while they
    expel yours. A dilemma needs T > R > P > S (defecting pays whatever the other does, yet
    mutual cooperation beats mutual defection) and 2R > T + S (taking turns to exploit each
    other pays less than steady cooperation), so other values are refused.
    """

    temptation: float = 5
    reward: float = 3
    punishment: float = 1
    sucker: float = 0

    def __post_init__(self) -> None:
        t, r, p, s = self.temptation, self.reward, self.punishment, self.sucker
        if not t > r > p > s:
            raise ValueError(f"A Prisoner's Dilemma needs T > R > P > S; got {t}, {r}, {p}, {s}")
        if not 2 * r > t + s:
            raise ValueError(
                f"A repeated Prisoner's Dilemma needs 2R > T + S; got R={r}, T+S={t + s}"
            )

    def score(self, mine: str, theirs: str) -> float:
        """Points for the side that played `mine` against `theirs`."""
        _check_move(mine)
        _check_move(theirs)
        if mine == COOPERATE:
            return self.reward if theirs == COOPERATE else self.sucker
        return self.temptation if theirs == COOPERATE else self.punishment

    def as_dict(self) -> dict[str, float]:
        """T, R, P and S by letter (for saved records and tables)."""
        return {"T": self.temptation, "R": self.reward, "P": self.punishment, "S": self.sucker}


#: The values Axelrod's tournaments used (T=5, R=3, P=1, S=0).
PAYOFFS = Payoffs()


def _check_move(move: str) -> None:
    if move not in MOVES:
        raise ValueError(
            f"A move is {COOPERATE!r} (cooperate) or {DEFECT!r} (defect); got {move!r}"
        )


# ---------------------------------------------------------------------------------------
# Strategies: each is a rule from (my moves, their moves as I saw them, rng) to a move.

Chooser = Callable[[Sequence[str], Sequence[str], random.Random], str]

#: Probability that forgiving tit-for-tat answers a defection with cooperation anyway.
#: One in three is this kit's choice; students can change it to see what it does.
FORGIVENESS = 1 / 3


@dataclass(frozen=True)
class Strategy:
    """A named rule for the repeated game; `rule` says in plain words what it does."""

    key: str
    name: str
    rule: str
    choose: Chooser

    def __call__(self, mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
        return self.choose(mine, theirs, rng)


def _always_cooperate(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    return COOPERATE


def _always_defect(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    return DEFECT


def _tit_for_tat(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    return theirs[-1] if theirs else COOPERATE


def _grim_trigger(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    return DEFECT if DEFECT in theirs else COOPERATE


def _forgiving_tit_for_tat(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    if not theirs or theirs[-1] == COOPERATE:
        return COOPERATE
    return COOPERATE if rng.random() < FORGIVENESS else DEFECT


def _random(mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
    return COOPERATE if rng.random() < 0.5 else DEFECT


STRATEGIES: dict[str, Strategy] = {
    s.key: s
    for s in (
        Strategy(
            "always_cooperate",
            "Always cooperate",
            "keeps the other side's staff whatever happens",
            _always_cooperate,
        ),
        Strategy(
            "always_defect",
            "Always defect",
            "expels or caps in every round",
            _always_defect,
        ),
        Strategy(
            "tit_for_tat",
            "Tit-for-tat",
            "cooperates first, then copies what the other side did last round",
            _tit_for_tat,
        ),
        Strategy(
            "grim_trigger",
            "Grim trigger",
            "cooperates until the other side defects once, then defects for ever",
            _grim_trigger,
        ),
        Strategy(
            "forgiving_tit_for_tat",
            "Forgiving tit-for-tat",
            "like tit-for-tat, but lets one defection in three go unanswered",
            _forgiving_tit_for_tat,
        ),
        Strategy(
            "random",
            "Random",
            "cooperates or defects at random, half and half",
            _random,
        ),
    )
}

#: The strategies the student's hidden opponent is drawn from.
HIDDEN_OPPONENTS = ("tit_for_tat", "grim_trigger", "forgiving_tit_for_tat")


def _strategy(strategy: str | Strategy) -> Strategy:
    if isinstance(strategy, Strategy):
        return strategy
    try:
        return STRATEGIES[strategy]
    except KeyError:
        known = ", ".join(STRATEGIES)
        raise KeyError(f"No strategy {strategy!r}; the kit has: {known}") from None


# ---------------------------------------------------------------------------------------
# Matches and tournaments


@dataclass(frozen=True)
class MatchResult:
    """Both sides' moves and points, round by round."""

    a: str
    b: str
    moves_a: tuple[str, ...]
    moves_b: tuple[str, ...]
    points_a: tuple[float, ...]
    points_b: tuple[float, ...]

    @property
    def rounds(self) -> int:
        return len(self.moves_a)

    @property
    def score_a(self) -> float:
        return sum(self.points_a)

    @property
    def score_b(self) -> float:
        return sum(self.points_b)


def _check_noise(noise: float) -> None:
    if not 0 <= noise <= 1:
        raise ValueError(f"noise is a probability between 0 and 1; got {noise}")


def _seen(move: str, noise: float, rng: random.Random) -> str:
    """The move as the other side perceives it: flipped with probability `noise`."""
    if noise and rng.random() < noise:
        return DEFECT if move == COOPERATE else COOPERATE
    return move


def play_match(
    a: str | Strategy,
    b: str | Strategy,
    rounds: int = 200,
    noise: float = 0.0,
    seed: int | None = None,
    payoffs: Payoffs = PAYOFFS,
) -> MatchResult:
    """Play `rounds` rounds between strategies `a` and `b` (keys of STRATEGIES or Strategy).

    Each round both sides move at once, knowing only earlier rounds. With `noise` > 0 each
    side misreads each of the other's moves with that probability; points follow the real
    moves. The same seed always gives the same match.
    """
    first, second = _strategy(a), _strategy(b)
    if rounds < 1:
        raise ValueError(f"A match needs at least one round; got {rounds}")
    _check_noise(noise)
    rng = random.Random(seed)
    moves_a: list[str] = []
    moves_b: list[str] = []
    seen_by_a: list[str] = []
    seen_by_b: list[str] = []
    points_a: list[float] = []
    points_b: list[float] = []
    for _ in range(rounds):
        move_a = first(moves_a, seen_by_a, rng)
        move_b = second(moves_b, seen_by_b, rng)
        _check_move(move_a)
        _check_move(move_b)
        moves_a.append(move_a)
        moves_b.append(move_b)
        points_a.append(payoffs.score(move_a, move_b))
        points_b.append(payoffs.score(move_b, move_a))
        seen_by_a.append(_seen(move_b, noise, rng))
        seen_by_b.append(_seen(move_a, noise, rng))
    return MatchResult(
        first.key,
        second.key,
        tuple(moves_a),
        tuple(moves_b),
        tuple(points_a),
        tuple(points_b),
    )


def tournament(
    strategies: Iterable[str | Strategy] | None = None,
    rounds: int = 200,
    noise: float | Sequence[float] = 0.0,
    repetitions: int = 10,
    seed: int = 0,
    payoffs: Payoffs = PAYOFFS,
    self_play: bool = True,
) -> pd.DataFrame:
    """Round robin: every strategy meets every other (and, by default, a copy of itself).

    Each pairing is played `repetitions` times (random strategies and noise make single
    matches vary). Returns one row per strategy and noise level, best first within a level:
    `noise`, `strategy` (key), `name`, `points_per_round` (average over all its matches, so
    3 means steady mutual cooperation and 1 steady mutual defection), `rank` (1 = best).
    Against its twin a strategy's score is the average of the two sides. `noise` may be a
    list of levels, to compare them in one table. Deterministic for a given `seed`.
    """
    import pandas as pd

    field_ = [_strategy(s) for s in (strategies if strategies is not None else STRATEGIES)]
    if len({s.key for s in field_}) != len(field_):
        raise ValueError("Each strategy may enter the tournament once")
    if len(field_) < 2:
        raise ValueError("A tournament needs at least two strategies")
    if repetitions < 1:
        raise ValueError(f"repetitions must be at least 1; got {repetitions}")
    levels = [float(noise)] if isinstance(noise, int | float) else [float(n) for n in noise]
    master = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for level in levels:
        _check_noise(level)
        totals = {s.key: 0.0 for s in field_}
        played = {s.key: 0 for s in field_}
        for i, first in enumerate(field_):
            for second in field_[i:] if self_play else field_[i + 1 :]:
                for _ in range(repetitions):
                    match = play_match(
                        first, second, rounds, level, master.getrandbits(64), payoffs
                    )
                    if first.key == second.key:
                        totals[first.key] += (match.score_a + match.score_b) / 2
                        played[first.key] += rounds
                    else:
                        totals[first.key] += match.score_a
                        totals[second.key] += match.score_b
                        played[first.key] += rounds
                        played[second.key] += rounds
        for s in field_:
            rows.append(
                {
                    "noise": level,
                    "strategy": s.key,
                    "name": s.name,
                    "points_per_round": totals[s.key] / played[s.key],
                }
            )
    table = pd.DataFrame(rows)
    table = table.sort_values(["noise", "points_per_round"], ascending=[True, False])
    table["rank"] = (
        table.groupby("noise")["points_per_round"].rank(ascending=False, method="min").astype(int)
    )
    return table.reset_index(drop=True)


def tournament_spread(
    strategies: Iterable[str | Strategy] | None = None,
    rounds: int = 200,
    noise: float | Sequence[float] = 0.0,
    repetitions: int = 10,
    seeds: Iterable[int] = range(5),
    payoffs: Payoffs = PAYOFFS,
    self_play: bool = True,
) -> pd.DataFrame:
    """The round robin of `tournament`, run once per seed, with the spread of each score.

    Random strategies and misreads make every run a little different, so a ranking of close
    scores may owe more to the draw than to the strategies. Returns one row per strategy and
    noise level, best first within a level: `noise`, `strategy`, `name`, `points_per_round`
    (the mean over the seeds), `low` and `high` (the lowest and highest of the runs), `runs`
    (how many seeds) and `rank` (by the mean). `plot_tournament` draws `low`–`high` as a line
    across each bar when the columns are there.
    """
    import pandas as pd

    seeds = list(seeds)
    if not seeds:
        raise ValueError("tournament_spread needs at least one seed")
    field_ = list(strategies) if strategies is not None else None
    runs = pd.concat(
        [
            tournament(field_, rounds, noise, repetitions, seed, payoffs, self_play)
            for seed in seeds
        ],
        ignore_index=True,
    )
    table = (
        runs.groupby(["noise", "strategy", "name"], sort=False)["points_per_round"]
        .agg(points_per_round="mean", low="min", high="max", runs="count")
        .reset_index()
    )
    table = table.sort_values(["noise", "points_per_round"], ascending=[True, False])
    table["rank"] = (
        table.groupby("noise")["points_per_round"].rank(ascending=False, method="min").astype(int)
    )
    return table.reset_index(drop=True)


def twin_matches(
    strategies: Iterable[str | Strategy] | None = None,
    rounds: int = 200,
    noise: float | Sequence[float] = (0.0, 0.1),
    repetitions: int = 10,
    seed: int = 0,
    payoffs: Payoffs = PAYOFFS,
) -> pd.DataFrame:
    """Each strategy against a copy of itself: two states that follow the same rule.

    Returns one row per strategy and noise level: `points_per_round` (average of both
    sides, 3 = cooperation throughout) and `both_cooperate` (share of rounds in which both
    sides kept the other's staff). This is where misreads do their damage: one misread
    defection can set two tit-for-tat players answering each other for many rounds.
    """
    import pandas as pd

    field_ = [_strategy(s) for s in (strategies if strategies is not None else STRATEGIES)]
    levels = [float(noise)] if isinstance(noise, int | float) else [float(n) for n in noise]
    master = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for level in levels:
        _check_noise(level)
        for s in field_:
            points = 0.0
            both = 0
            for _ in range(repetitions):
                match = play_match(s, s, rounds, level, master.getrandbits(64), payoffs)
                points += (match.score_a + match.score_b) / 2
                both += sum(
                    a == b == COOPERATE for a, b in zip(match.moves_a, match.moves_b, strict=True)
                )
            rows.append(
                {
                    "noise": level,
                    "strategy": s.key,
                    "name": s.name,
                    "points_per_round": points / (repetitions * rounds),
                    "both_cooperate": both / (repetitions * rounds),
                }
            )
    table = pd.DataFrame(rows).sort_values(["noise", "points_per_round"], ascending=[True, False])
    return table.reset_index(drop=True)


def plot_tournament(
    table: pd.DataFrame,
    title: str = "Round-robin tournament: average score of each strategy",
) -> MplFigure:
    """Bars of average points per round for each strategy, one bar per noise level.

    Works for the tables of `tournament`, `tournament_spread` and `twin_matches` (columns
    noise, name and points_per_round). With `low` and `high` columns (`tournament_spread`), each
    bar carries a line from the lowest to the highest run and its label gives that range, so two
    strategies whose ranges overlap read as a tie, not a ranking.

    Strategies are ordered by their score at the first noise level (ties by the next); a
    dotted line marks 3, the score of steady mutual cooperation. Call inside `kit_style()`
    for the kit's colours.
    """
    import matplotlib.pyplot as plt

    levels = sorted(table["noise"].unique())
    wide = table.pivot(index="name", columns="noise", values="points_per_round")
    order = list(wide.sort_values(by=levels).index)  # lowest first: barh draws upwards
    extra = 0.6 if {"low", "high"} <= set(table.columns) else 0.0  # room for the legend below
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(order) * len(levels) + 1.4 + extra))
    height = 0.8 / len(levels)
    for index, level in enumerate(levels):
        part = table[table["noise"] == level].set_index("name").loc[order]
        shift = ((len(levels) - 1) / 2 - index) * height  # first level drawn on top
        positions = [k + shift for k in range(len(order))]
        spread = {"low", "high"} <= set(part.columns)
        bars = ax.barh(
            positions,
            part["points_per_round"],
            height=height,
            label="no misreads" if level == 0 else f"{level:.0%} of moves misread",
            hatch=None if index == 0 else "//",
            edgecolor="white",
        )
        if spread:
            ax.errorbar(
                part["points_per_round"],
                positions,
                xerr=[
                    part["points_per_round"] - part["low"],
                    part["high"] - part["points_per_round"],
                ],
                fmt="none",
                ecolor="0.15",
                elinewidth=1.2,
                capsize=3,
            )
            labels = [
                f"{m:.2f} ({lo:.2f}–{hi:.2f})"
                for m, lo, hi in zip(
                    part["points_per_round"], part["low"], part["high"], strict=True
                )
            ]
            ax.bar_label(bars, labels=labels, padding=6, fontsize=9)
        else:
            ax.bar_label(bars, fmt="%.2f", padding=3, fontsize=9)
    ax.set_yticks(range(len(order)), order)
    ax.axvline(3, color="0.3", linestyle=":", linewidth=1, label="3 = both cooperate throughout")
    ax.set_xlim(0, 5)
    if {"low", "high"} <= set(table.columns):
        runs = int(table["runs"].max()) if "runs" in table.columns else 0
        ax.set_xlabel(
            "Average points per round (0 to 5); lines and brackets: lowest to highest of "
            f"{runs} runs"
            if runs
            else "Average points per round (0 to 5); lines: lowest to highest run"
        )
    else:
        ax.set_xlabel("Average points per round (0 to 5)")
    ax.set_title(title)
    if {"low", "high"} <= set(table.columns):
        # Labels with ranges run longer: the legend goes below the axes, out of their way.
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.45, -0.14), ncol=3, frameon=False, fontsize=9
        )
    else:
        ax.legend(
            loc="lower right", title="Noise", frameon=True, facecolor="white", edgecolor="none"
        )
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------
# The game a student plays


@dataclass(frozen=True)
class RoundResult:
    """One round of the student's game."""

    round: int
    move: str
    opponent_move: str
    points: float
    opponent_points: float


class GameOver(RuntimeError):
    """A move was played after the last round."""


@dataclass
class RepeatedGame:
    """The student's game against one strategy, without any display (so it can be tested).

    The opponent sees the student's moves exactly (no noise): the game is about reading a
    strategy, and a misread would make that unfair.

    With `continue_probability` (a number between 0 and 1, exclusive) the game's length is
    unknown: after each round it goes on with that probability, so on average it lasts
    1 / (1 - p) rounds, and `rounds` is only a cap that keeps a class's games finite. The end
    is drawn from its own random stream (seeded from `seed`), so the hidden strategy plays the
    same way whether or not the length is open.
    """

    opponent: str
    rounds: int = 8
    payoffs: Payoffs = PAYOFFS
    seed: int | None = None
    continue_probability: float | None = None
    moves: list[str] = field(default_factory=list)
    opponent_moves: list[str] = field(default_factory=list)
    points: list[float] = field(default_factory=list)
    opponent_points: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        _strategy(self.opponent)
        if self.rounds < 1:
            raise ValueError(f"A game needs at least one round; got {self.rounds}")
        p = self.continue_probability
        if p is not None and not 0 < p < 1:
            raise ValueError(
                f"continue_probability is a probability strictly between 0 and 1; got {p}"
            )
        self._rng = random.Random(self.seed)
        self._ender = random.Random(None if self.seed is None else f"end-{self.seed}")
        self._stopped = False

    @classmethod
    def with_hidden_opponent(
        cls,
        rounds: int = 8,
        seed: int | None = None,
        pool: Sequence[str] = HIDDEN_OPPONENTS,
        payoffs: Payoffs = PAYOFFS,
        continue_probability: float | None = None,
    ) -> RepeatedGame:
        """A game against a strategy drawn at random from `pool` (seeded, if `seed` is set)."""
        rng = random.Random(seed)
        return cls(
            rng.choice(list(pool)), rounds, payoffs, rng.getrandbits(64), continue_probability
        )

    @property
    def played(self) -> int:
        return len(self.moves)

    @property
    def open_ended(self) -> bool:
        """Whether the length is unknown to the player (a continuation probability is set)."""
        return self.continue_probability is not None

    @property
    def finished(self) -> bool:
        return self.played >= self.rounds or self._stopped

    @property
    def score(self) -> float:
        return sum(self.points)

    @property
    def opponent_score(self) -> float:
        return sum(self.opponent_points)

    def play(self, move: str) -> RoundResult:
        """Play the student's `move` ("C" or "D") against the hidden strategy's move."""
        _check_move(move)
        if self.finished:
            raise GameOver(f"The game is over after {self.rounds} rounds; start a new one.")
        reply = _strategy(self.opponent)(self.opponent_moves, self.moves, self._rng)
        self.moves.append(move)
        self.opponent_moves.append(reply)
        self.points.append(self.payoffs.score(move, reply))
        self.opponent_points.append(self.payoffs.score(reply, move))
        if self.open_ended and self.played < self.rounds:
            self._stopped = self._ender.random() >= self.continue_probability
        return RoundResult(self.played, move, reply, self.points[-1], self.opponent_points[-1])

    def record(self) -> dict[str, Any]:
        """What is saved when the game ends: both sides' moves, scores and the opponent.

        An open-ended game also records its continuation probability and its cap (`rounds`
        is then the number of rounds actually played)."""
        record: dict[str, Any] = {
            "opponent": self.opponent,
            "rounds": self.played if self.open_ended else self.rounds,
            "moves": list(self.moves),
            "opponent_moves": list(self.opponent_moves),
            "score": self.score,
            "opponent_score": self.opponent_score,
            "payoffs": self.payoffs.as_dict(),
        }
        if self.open_ended:
            record["continue_probability"] = self.continue_probability
            record["max_rounds"] = self.rounds
        return record


# ---------------------------------------------------------------------------------------
# The record: how big was each answer compared with the measure it answered?

#: Answers the notebook names on the scatter plot (event ids of the answering rows), with
#: where each label sits relative to its dot (offset in points, horizontal alignment).
NAMED_PAIRS: dict[str, tuple[float, float, str]] = {
    "1971-10_SUN_GBR": (8, 10, "left"),
    "1986-10-21_USA_SUN": (9, -3, "left"),
    "2018-03-29_RUS_USA": (-10, 6, "right"),
    "2021-04-18_RUS_CZE": (-10, 6, "right"),
    "2022-05-18_RUS_FRA": (10, -10, "left"),
    "2022-05-19_RUS_SVN": (8, -12, "left"),
    "2022-08-05_RUS_BGR": (8, -12, "left"),
}


def counter_ratio_table(record: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pair every answer in the record with the measure it answers, and compare their sizes.

    An answer is a row whose `responds_to` names an earlier row. Only pairs where both rows
    give a number of people expelled are kept (caps and closures have no head count, and
    some figures were never disclosed). `ratio` is people expelled in the answer divided by
    people expelled in the measure: 1 is an exact mirror, below 1 a smaller answer, above 1
    a larger one. `days` is the time from measure to answer (missing where either date is
    known only to the month). One row per pair, oldest
    first; `record` defaults to `load_expulsions()`.
    """
    import pandas as pd

    if record is None:
        from diplomatic_cover.data import load_expulsions

        record = load_expulsions()
    measures = record[
        [
            "event_id",
            "date",
            "date_precision",
            "expelling_country",
            "expelling_iso3",
            "target_country",
            "people_expelled",
        ]
    ].rename(
        columns={
            "event_id": "measure_id",
            "date": "measure_date",
            "date_precision": "measure_precision",
            "expelling_country": "measuring_party",
            "expelling_iso3": "measuring_code",
            "target_country": "measure_target",
            "people_expelled": "measure_size",
        }
    )
    answers = record[record["responds_to"].notna()][
        [
            "event_id",
            "responds_to",
            "date",
            "date_precision",
            "expelling_country",
            "expelling_iso3",
            "action",
            "people_expelled",
            "source_title",
            "source_url",
        ]
    ].rename(
        columns={
            "event_id": "answer_id",
            "responds_to": "measure_id",
            "date": "answer_date",
            "date_precision": "answer_precision",
            "expelling_country": "answering_party",
            "expelling_iso3": "answering_code",
            "action": "answer_action",
            "people_expelled": "answer_size",
            "source_title": "answer_source_title",
            "source_url": "answer_source_url",
        }
    )
    pairs = answers.merge(measures, on="measure_id", how="inner", validate="many_to_one")
    known = pairs["answer_size"].notna() & pairs["measure_size"].notna()
    pairs = pairs[known & (pairs["measure_size"] > 0)].copy()
    pairs["measure_size"] = pairs["measure_size"].astype(int)
    pairs["answer_size"] = pairs["answer_size"].astype(int)
    pairs["ratio"] = pairs["answer_size"] / pairs["measure_size"]
    days = (pairs["answer_date"] - pairs["measure_date"]).dt.days.astype("Int64")
    exact = (pairs["measure_precision"] == "day") & (pairs["answer_precision"] == "day")
    pairs["days"] = days.where(exact, pd.NA)
    for column in ("answer_action", "measuring_code", "answering_code"):
        pairs[column] = pairs[column].astype(str)
    columns = [
        "measure_id",
        "measure_date",
        "measuring_party",
        "measuring_code",
        "measure_size",
        "answer_id",
        "answer_date",
        "answering_party",
        "answering_code",
        "answer_size",
        "ratio",
        "days",
        "answer_action",
        "answer_source_title",
        "answer_source_url",
    ]
    pairs = pairs[columns].sort_values(["measure_date", "answer_date", "answer_id"])
    return pd.DataFrame(pairs).reset_index(drop=True)


def ratio_summary(table: pd.DataFrame) -> dict[str, float]:
    """Counts of exact mirrors, smaller and larger answers, and the median ratio."""
    return {
        "pairs": len(table),
        "matched": int((table["answer_size"] == table["measure_size"]).sum()),
        "smaller": int((table["answer_size"] < table["measure_size"]).sum()),
        "larger": int((table["answer_size"] > table["measure_size"]).sum()),
        "median_ratio": float(table["ratio"].median()),
    }


def _pair_label(row: Any) -> str:
    return (
        f"{row.measuring_code} {row.measure_size} → {row.answering_code} {row.answer_size} "
        f"({row.measure_date.year})"
    )


def plot_counter_ratios(
    table: pd.DataFrame, named: dict[str, tuple[float, float, str]] | None = None
) -> MplFigure:
    """Scatter of answer size against measure size (log scales), with the 1:1 line.

    Pairs with identical numbers share a dot whose area grows with their count; the pairs in
    `named` (answer id -> label offset and alignment; default NAMED_PAIRS) are labelled with
    the parties' codes and sizes. Call inside `kit_style()` for the kit's colours.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    counts = table.groupby(["measure_size", "answer_size"]).size().reset_index(name="pairs")
    fig, ax = plt.subplots(figsize=(7.5, 7))
    top = max(int(table["measure_size"].max()), int(table["answer_size"].max())) * 1.8
    ax.plot([0.7, top], [0.7, top], linestyle="--", color="0.35", linewidth=1)
    ax.text(
        1.25,
        1.6,
        "answer = measure (1:1)",
        rotation=45,
        fontsize=9,
        color="0.35",
        rotation_mode="anchor",
    )
    ax.text(top / 1.3, 0.85, "smaller answers", ha="right", fontsize=9, color="0.35")
    ax.text(0.8, top / 1.3, "larger answers", va="top", fontsize=9, color="0.35")
    ax.scatter(
        counts["measure_size"],
        counts["answer_size"],
        s=25 + 18 * counts["pairs"],
        alpha=0.75,
        edgecolor="white",
        linewidth=0.6,
        zorder=3,
    )
    named = NAMED_PAIRS if named is None else named
    for row in table[table["answer_id"].isin(list(named))].itertuples():
        dx, dy, align = named[row.answer_id]
        ax.annotate(
            _pair_label(row),
            (row.measure_size, row.answer_size),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=align,
            va="center",
            fontsize=9,
            arrowprops={"arrowstyle": "-", "color": "0.5", "linewidth": 0.6},
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(0.7, top)
    ax.set_ylim(0.7, top)
    ax.set_aspect("equal")
    ticks = [1, 2, 5, 10, 20, 50, 100]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_yticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("People expelled in the first measure (log scale)")
    ax.set_ylabel("People expelled in the answer (log scale)")
    ax.set_title("Size of each answer against the measure it answered")
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=(25 + 18 * n) ** 0.5, alpha=0.75)
        for n in (1, 5, 20)
    ]
    ax.legend(
        handles,
        ["1 pair", "5 pairs", "20 pairs"],
        title="Pairs at this point",
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
        labelspacing=1.2,
    )
    fig.tight_layout()
    return fig
