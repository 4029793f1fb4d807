"""Notebook 03's game: rounds of reciprocity against a hidden strategy, with buttons.

The game's rules, strategies and payoffs are `lessons.reciprocity_game` (`RepeatedGame`);
this is the part a student clicks. ipywidgets is imported when the game is drawn.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from diplomatic_cover.lessons.reciprocity_game import (
    COOPERATE,
    DEFECT,
    MOVE_WORDS,
    STRATEGIES,
    RepeatedGame,
    RoundResult,
)
from diplomatic_cover.pages.fragments import esc

#: The most rounds an open-ended game can last: with a continuation probability of 7/8, fewer
#: than 1 game in 100 gets there, and a class's games still end.
OPEN_ENDED_CAP = 40

if TYPE_CHECKING:
    from diplomatic_cover.answers.identity import Student
    from diplomatic_cover.answers.store import ResponseStore


def _history_html(game: RepeatedGame) -> str:
    if not game.moves:
        return "<p><em>No rounds played yet.</em></p>"
    cell = '<td style="padding:2px 12px 2px 0">'
    rows = "".join(
        f"<tr>{cell}{k}</td>{cell}{MOVE_WORDS[m]}</td>{cell}{MOVE_WORDS[o]}</td>"
        f"{cell}{p:g}</td>{cell}{q:g}</td></tr>"
        for k, (m, o, p, q) in enumerate(
            zip(game.moves, game.opponent_moves, game.points, game.opponent_points, strict=True),
            start=1,
        )
    )
    return (
        '<table style="border-collapse:collapse"><caption style="text-align:left">'
        "Rounds played so far</caption><thead><tr>"
        + "".join(
            f'<th scope="col" style="padding:2px 12px 2px 0;text-align:left">{name}</th>'
            for name in ("Round", "You", "They", "Your points", "Their points")
        )
        + "</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


class ReciprocityGame:
    """Rounds against a hidden strategy, played with two labelled buttons.

    By default a game lasts `rounds` rounds (8) and the player is told so. With
    `continue_probability` the length is unknown: after each round the game goes on with that
    probability, the status never says how many rounds are left, and `rounds` (default 40)
    is only a cap so that a class's games end.

    The state lives in `self.game` (a RepeatedGame), so re-displaying the widget or calling
    `choose("C")` from code shows the same game. Buttons are ordinary HTML buttons: Tab
    reaches them, Enter or Space presses them. When the last round is played, the record
    (both sides' moves, the scores and the hidden strategy's key) is saved in the answer
    store as the check `record_id` of `notebook` -- a record, not a catalogue question, so
    it is listed under "Recorded checks" in the student's report and never graded.
    """

    def __init__(
        self,
        rounds: int | None = None,
        seed: int | None = None,
        *,
        continue_probability: float | None = None,
        notebook: str = "03_reciprocity",
        record_id: str = "03.game-log",
        save: bool = True,
        store: ResponseStore | None = None,
        student: Student | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.continue_probability = continue_probability
        if rounds is None:
            rounds = 8 if continue_probability is None else OPEN_ENDED_CAP
        self.rounds = rounds
        self.notebook = notebook
        self.record_id = record_id
        self.save = save
        self._store = store
        self._student = student
        self._seeds = random.Random(seed)
        self.games_played = 0
        self.saved_message = ""
        self.revealed = False
        wide = widgets.Layout(width="auto")
        self.cooperate_button = widgets.Button(
            description="Keep or restore staff (cooperate)",
            tooltip="Cooperate: leave the other side's diplomats, visas and banking in place",
            layout=wide,
        )
        self.defect_button = widgets.Button(
            description="Expel or cap staff (defect)",
            tooltip="Defect: expel diplomats or cap the other side's staff",
            layout=wide,
        )
        self.reveal_button = widgets.Button(
            description="Reveal the hidden strategy",
            tooltip="Shows which strategy you played against (answer the question first)",
            disabled=True,
            layout=wide,
        )
        self.new_button = widgets.Button(
            description="Start a new game",
            tooltip="A new game against a newly drawn hidden strategy",
            layout=wide,
        )
        self.status = widgets.HTML()
        self.history = widgets.HTML()
        self.cooperate_button.on_click(lambda _b: self.choose(COOPERATE))
        self.defect_button.on_click(lambda _b: self.choose(DEFECT))
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.new_button.on_click(lambda _b: self.new_game())
        self.view = widgets.VBox(
            [
                widgets.HTML("<strong>Your move this round:</strong>"),
                widgets.HBox([self.cooperate_button, self.defect_button]),
                self.status,
                self.history,
                widgets.HBox([self.reveal_button, self.new_button]),
            ]
        )
        self.new_game()

    # -- actions -----------------------------------------------------------------------

    def new_game(self) -> None:
        """Draw a new hidden strategy and start again at round 1."""
        self.game = RepeatedGame.with_hidden_opponent(
            self.rounds,
            self._seeds.getrandbits(64),
            continue_probability=self.continue_probability,
        )
        self.revealed = False
        self.saved_message = ""
        self._refresh("A new game: the other side's strategy has been drawn and is hidden.")

    def choose(self, move: str) -> RoundResult | None:
        """Play one round (what the buttons do); returns None once the game is over."""
        if self.game.finished:
            self._refresh("The game is over. Reveal the strategy or start a new game.")
            return None
        result = self.game.play(move)
        note = (
            f"Round {result.round}: you {MOVE_WORDS[result.move]}, they "
            f"{MOVE_WORDS[result.opponent_move]}. You get {result.points:g}, "
            f"they get {result.opponent_points:g}."
        )
        if self.game.finished:
            self.games_played += 1
            self.saved_message = self._save()
        self._refresh(note)
        return result

    def reveal(self) -> str:
        """Name the hidden strategy (only once the game is over)."""
        if not self.game.finished:
            self._refresh("Finish all rounds before revealing the strategy.")
            return ""
        self.revealed = True
        strategy = STRATEGIES[self.game.opponent]
        self._refresh(f"The hidden strategy was {strategy.name}: it {strategy.rule}.")
        return strategy.name

    # -- saving and drawing ------------------------------------------------------------

    def _save(self) -> str:
        if not self.save:
            return ""
        try:
            from diplomatic_cover.answers.identity import current_student
            from diplomatic_cover.answers.store import ResponseStore

            store = self._store if self._store is not None else ResponseStore()
            student = self._student if self._student is not None else current_student()
            store.save_check(
                student, self.notebook, self.record_id, self.game.record(), passed=None
            )
        except Exception as error:  # a failed save must never break the game
            return f"Your moves could not be saved ({error}); the game itself is not affected."
        return "Your moves and score were saved with your answers."

    def _refresh(self, note: str) -> None:
        game = self.game
        over = game.finished
        self.cooperate_button.disabled = over
        self.defect_button.disabled = over
        self.reveal_button.disabled = not over or self.revealed
        if over:
            head = (
                f"<strong>Game over after {game.played} rounds.</strong> "
                f"Your score: {game.score:g} · Their score: {game.opponent_score:g}."
            )
        elif game.open_ended:
            head = (
                f"<strong>Round {game.played + 1}.</strong> The game may end after any round. "
                f"Your score: {game.score:g} · Their score: {game.opponent_score:g}."
            )
        else:
            head = (
                f"<strong>Round {game.played + 1} of {game.rounds}.</strong> "
                f"Your score: {game.score:g} · Their score: {game.opponent_score:g}."
            )
        extra = f"<br>{esc(self.saved_message)}" if self.saved_message else ""
        self.status.value = (
            f'<div role="status" aria-live="polite">{head}<br>{esc(note)}{extra}</div>'
        )
        self.history.value = _history_html(game)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        score = f"score {self.game.score:g} to {self.game.opponent_score:g}."
        if self.game.finished:
            return f"Reciprocity game: over after {self.game.played} rounds, {score}"
        if self.game.open_ended:
            return f"Reciprocity game: round {self.game.played + 1} (length unknown), {score}"
        return f"Reciprocity game: round {self.game.played + 1} of {self.rounds}, {score}"


def twin_explorer() -> Any:
    """A slider for the share of moves misread, with the twin matches' table below it.

    Each strategy plays a copy of itself (`twin_matches`, 4 repetitions) at the slider's
    level of misreads; the table updates when the slider is released.
    """
    from diplomatic_cover.lessons.figures import Table
    from diplomatic_cover.lessons.reciprocity_game import twin_matches
    from diplomatic_cover.widgets.outputs import live_results
    from diplomatic_cover.widgets.slider import Slider

    noise = Slider(
        value=0.1, min=0.0, max=0.3, step=0.05, readout_format=".0%",
        description="Share of moves misread", description_width="12em",
    )  # fmt: skip

    def show(noise: float) -> list[Any]:
        table = twin_matches(noise=noise, repetitions=4)
        columns = {
            "name": "Strategy",
            "points_per_round": "Points a round (3 = cooperation throughout)",
            "both_cooperate": "Share of rounds both cooperate",
        }
        shown = table[list(columns)].round(2).rename(columns=columns)
        return [Table(shown, caption=f"Twin matches with {noise:.0%} of moves misread")]

    return live_results({"noise": noise}, show)
