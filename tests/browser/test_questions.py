"""Every question type, answered by keyboard alone in real JupyterLab, survives a kernel
restart and a page reload, and lands in the store on disk."""

import json
import re
import time

from diplomatic_cover.answers.catalogue import load_catalogue
from tests.browser.jlab import (
    assert_no_widget_errors,
    open_notebook,
    restart_kernel,
    run_all_cells,
)

NOTEBOOK = "notebooks/00_start_here.ipynb"
DOCUMENT = "00_start_here.json"


def _question(page, qid):
    return page.locator(f'section[data-question-id="{qid}"]')


def _wait_saved(page, qid, timeout=10):
    status = _question(page, qid).locator(".dc-status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if status.text_content().startswith("Saved"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{qid} not saved: {status.text_content()!r}")


def _shown_order(page, qid):
    """The option ids in the order the widget shows them (shuffled for whoever was answering
    when the cell ran)."""
    question = _question(page, qid)
    if question.locator(".dc-rank-item").count():
        return question.locator(".dc-rank-item").evaluate_all(
            "items => items.map(item => item.dataset.option)"
        )
    return question.locator("input").evaluate_all("inputs => inputs.map(input => input.value)")


def _answer_everything_by_keyboard(page):
    kb = page.keyboard
    page.get_by_role("textbox", name="Your name or student id").focus()
    kb.press("ControlOrMeta+a")
    kb.type("Zoë O'Brien")
    kb.press("Enter")
    page.get_by_text("file name: zoe-o-brien").wait_for()

    page.get_by_role("textbox", name=re.compile("suspects a foreign diplomat")).focus()
    kb.type(
        "Because diplomats have immunity under the Vienna Convention, the host state can "
        "only ask them to leave, and it wants to signal displeasure."
    )
    page.get_by_role("textbox", name=re.compile("most want to find out")).focus()
    kb.type("How reciprocity works")
    kb.press("Enter")

    # Options come in a shuffled order of their own: the arrow keys walk it from the top.
    single = _question(page, "00.tour-single").get_by_role("radio")
    single.first.focus()
    steps = _shown_order(page, "00.tour-single").index("run-above")
    kb.press("ArrowDown" if steps else "Space")  # the arrow moves to and selects the next
    for _ in range(steps - 1):
        kb.press("ArrowDown")

    feedback = _question(page, "00.tour-single").get_by_role(
        "region", name="Feedback on your answer"
    )
    feedback.get_by_text("Right: Run the cells above it").wait_for()  # practice: said at once

    boxes = _question(page, "00.tour-multiple").get_by_role("checkbox")
    order = _shown_order(page, "00.tour-multiple")
    boxes.first.focus()
    for index, option in enumerate(order):
        if option in ("answers", "notebook-text"):
            kb.press("Space")
        if index < len(order) - 1:
            kb.press("Tab")

    scale = _question(page, "00.tour-scale")
    scale.get_by_role("radio", name="Strongly disagree").focus()
    for _ in range(3):
        kb.press("ArrowRight")  # Disagree, Neither, Agree
    kb.press("Tab")  # into the confidence group, on its first option
    kb.press("ArrowRight")
    kb.press("ArrowRight")  # Somewhat sure, Quite sure
    kb.press("Tab")  # the one-line reason, open now that a point is picked
    kb.type("Talking channels matter most in a crisis")
    kb.press("Enter")

    number = page.get_by_role("textbox", name=re.compile("how many Russian diplomats"))
    number.focus()
    kb.type("sixty")
    kb.press("Enter")
    _question(page, "00.tour-number").get_by_text("is not a number").wait_for()
    kb.press("ControlOrMeta+a")
    kb.type("60")
    kb.press("Enter")

    # The list starts in a shuffled order. Each option in turn is moved up to its place
    # with Enter alone: the focus follows the option, as it does for a keyboard user.
    ranking = _question(page, "00.tour-ranking").locator(".dc-rank-item")
    labels = {o.id: o.label for o in load_catalogue()["00.tour-ranking"].options}
    current = _shown_order(page, "00.tour-ranking")
    moved = False
    for place, option in enumerate(RANKED):
        index = current.index(option)
        if index > place:
            page.get_by_role("button", name=f"Move up: {labels[option]}").focus()
        while index > place:
            kb.press("Enter")
            index -= 1
            ranking.nth(index).and_(page.locator(f'[data-option="{option}"]')).wait_for()
            page.wait_for_function(
                "label => (document.activeElement.getAttribute('aria-label') || '')"
                ".endsWith(label)",
                arg=labels[option],
            )
            moved = True
        current.remove(option)
        current.insert(place, option)
    # A graded ranking has no "Keep this order": its start order may be the key. A student
    # dealt the right order moves one option down and back up.
    assert (
        not _question(page, "00.tour-ranking")
        .get_by_role("button")
        .filter(has_text="Keep this order")
        .count()
    )
    if not moved:
        page.get_by_role("button", name=f"Move down: {labels[RANKED[0]]}").click()
        page.get_by_role("button", name=f"Move up: {labels[RANKED[0]]}").click()

    classify = _question(page, "00.tour-classify")
    first = classify.get_by_role("radiogroup", name=re.compile("US and Russian delegations met"))
    first.get_by_role("radio", name="Reported fact").focus()
    kb.press("Space")  # statement 1: Reported fact
    kb.press("Tab")  # statement 2's group, on its first label
    kb.press("ArrowRight")  # Attributed claim
    kb.press("Tab")  # statement 3's group
    kb.press("ArrowRight")
    kb.press("ArrowRight")  # Opinion or editorial


RANKED = ["wire", "ministry", "column", "post"]
EXPECTED = {
    "00.tour-short": "How reciprocity works",
    "00.tour-single": "run-above",
    "00.tour-multiple": ["answers", "notebook-text"],
    "00.tour-scale": {
        "point": 4,
        "confidence": 3,
        "why": "Talking channels matter most in a crisis",
    },
    "00.tour-number": {"raw": "60", "number": 60.0},
    "00.tour-ranking": RANKED,
    "00.tour-classify": {"istanbul": "fact", "priority": "claim", "vigilant": "opinion"},
}


def _assert_widgets_show_the_answers(page):
    assert (
        "Vienna Convention"
        in page.get_by_role("textbox", name=re.compile("suspects a foreign diplomat")).input_value()
    )
    run_above = "Run the cells above it, then run this cell again"
    assert page.get_by_role("radio", name=run_above).is_checked()
    assert page.get_by_role("checkbox", name="The notebook's text and code").is_checked()
    assert not page.get_by_role("checkbox", name=re.compile("Variables you created")).is_checked()
    assert (
        _question(page, "00.tour-scale").get_by_role("radio", name="Agree", exact=True).is_checked()
    )
    why = _question(page, "00.tour-scale").get_by_role("textbox", name=re.compile("^Why"))
    assert why.input_value() == EXPECTED["00.tour-scale"]["why"]
    single = _question(page, "00.tour-single")
    assert single.get_by_role("region", name="Feedback on your answer").is_visible()
    assert page.get_by_role("textbox", name=re.compile("how many Russian")).input_value() == "60"
    ranking = _question(page, "00.tour-ranking").locator(".dc-rank-item")
    assert ranking.first.get_attribute("data-option") == "wire"
    classify = _question(page, "00.tour-classify")
    vigilant = classify.get_by_role("radiogroup", name=re.compile("welcome step"))
    assert vigilant.get_by_role("radio", name="Opinion or editorial").is_checked()
    for qid in EXPECTED:
        assert _question(page, qid).locator(".dc-status").text_content().startswith("Saved")


def test_every_question_type_by_keyboard_survives_restart_and_reload(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    assert_no_widget_errors(page)
    _answer_everything_by_keyboard(page)
    for qid in ("00.tour-text", *EXPECTED):
        _wait_saved(page, qid)

    # Three quick clicks are three saves; the status may say "Saved" after the first while
    # the kernel still writes the others, so the file is read until it holds them all.
    deadline = time.monotonic() + 15
    while True:
        stored = json.loads((lab.store / "zoe-o-brien" / DOCUMENT).read_text())
        answers = {qid: entry["value"] for qid, entry in stored["answers"].items()}
        if all(answers.get(q) == v for q, v in EXPECTED.items()) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    for qid, value in EXPECTED.items():
        assert answers[qid] == value, qid
    assert stored["student"]["name"] == "Zoë O'Brien"

    restart_kernel(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    # Prompts count again from 1: the kernel really started afresh.
    assert page.locator(".jp-CodeCell .jp-InputArea-prompt").first.text_content() == "[1]:"
    assert_no_widget_errors(page)
    _assert_widgets_show_the_answers(page)

    page.reload()
    open_notebook(page, lab, NOTEBOOK, fresh_workspace=False)
    run_all_cells(page, lab, NOTEBOOK)
    assert_no_widget_errors(page)
    _assert_widgets_show_the_answers(page)


def test_compare_with_a_model_answer_appears_only_after_an_attempt(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    question = _question(page, "00.tour-text")
    compare = question.get_by_role("button", name="Compare with a model answer")
    box = question.get_by_role("textbox")
    box.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("An attempt of my own before I look at the model answer.")
    _wait_saved(page, "00.tour-text")
    compare.wait_for(state="visible")
    compare.focus()
    page.keyboard.press("Enter")
    region = question.get_by_role("region", name="Model answer")
    region.wait_for()
    assert "persona non grata" in region.text_content()

    # Clearing the answer takes the model answer and its control away again.
    question.get_by_role("button", name=re.compile("Clear answer")).focus()
    page.keyboard.press("Enter")
    question.get_by_text("Answer cleared").wait_for()
    compare.wait_for(state="hidden")
    assert box.input_value() == ""
    assert not region.is_visible()


def test_a_saved_and_reopened_notebook_shows_hints_not_broken_widgets(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    page.keyboard.press("ControlOrMeta+s")
    saved = lab.root / NOTEBOOK
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "run this cell to show it again" not in saved.read_text():
        page.wait_for_timeout(200)
    on_disk = saved.read_text()
    assert "run this cell to show it again" in on_disk
    assert "application/vnd.jupyter.widget-view+json" not in on_disk

    page.reload()
    page.locator(".jp-Notebook").first.wait_for()
    page.get_by_text("run this cell to show it again").first.wait_for(state="attached")
    assert_no_widget_errors(page)


def test_the_hand_in_button_builds_the_submission_file(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    run_all_cells(page, lab, NOTEBOOK)
    button = page.get_by_role("button", name=re.compile("Hand in"))
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"submission-[a-z0-9.-]+\.zip")).first.wait_for()
    built = list((lab.store.parent / "submissions").glob("submission-*.zip"))
    assert len(built) == 1
