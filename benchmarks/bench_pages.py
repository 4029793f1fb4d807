"""How long the kit's pages are in a browser, and what axe-core finds on them.

A student who answered every question of the kit and passed every exercise check (the
instructors' reference values) hands in; the script builds that `report.html`, grades the
submission, and opens report.html, the feedback page and the class report in headless
Chromium (1400×900, as the review did). It prints each page's height in CSS pixels (the
report both as it opens and with every notebook section unfolded) and its size in bytes,
then the axe-core violations (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) on each page.

    .venv/bin/python benchmarks/bench_pages.py

Needs Chromium at /usr/bin/chromium (or DIPLOMATIC_COVER_CHROMIUM) and the test extra.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diplomatic_cover.answers.catalogue import load_answer_key, load_catalogue  # noqa: E402
from diplomatic_cover.answers.identity import Student  # noqa: E402
from diplomatic_cover.grading import grade  # noqa: E402
from diplomatic_cover.instructor import hidden_checks  # noqa: E402
from tests.grading.kit import ESSAY, correct, hand_in, write_config  # noqa: E402

CHROMIUM = os.environ.get("DIPLOMATIC_COVER_CHROMIUM", "/usr/bin/chromium")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def every_answer() -> dict[str, object]:
    """An answer to every question of the kit: the key's value where there is one."""
    key = load_answer_key()
    answers: dict[str, object] = {}
    for question in load_catalogue().values():
        entry = key.get(question.id)
        correct_value = entry.correct if entry is not None else None
        if question.type in ("text", "short_text"):
            answers[question.id] = ESSAY
        elif question.type == "scale":
            answers[question.id] = {"point": 3, "confidence": 2}
        elif question.type == "number":
            number = correct_value if correct_value is not None else question.minimum or 0
            answers[question.id] = {"raw": f"{number:g}", "number": float(number)}
        elif question.type == "classify":
            first = question.labels[0].id
            answers[question.id] = correct_value or {s.id: first for s in question.statements}
        elif question.type in ("multiple", "ranking"):
            answers[question.id] = correct_value or [o.id for o in question.options]
        else:
            answers[question.id] = correct_value or question.options[0].id
    return answers


def build(folder: Path) -> dict[str, Path]:
    student = Student("ana-silva", "Ana Silva")
    checks = {check_id: correct(check_id) for check_id in hidden_checks.check_ids()}
    zipped = hand_in(folder, student, answers=every_answer(), checks=checks)
    import zipfile

    report = folder / "report.html"
    with zipfile.ZipFile(zipped) as archive:
        report.write_bytes(archive.read("report.html"))
    out = folder / "grades"
    grade(submissions=zipped.parent, out=out, config=write_config(folder / "config"))
    return {
        "report.html": report,
        "feedback page": out / "feedback" / "ana-silva.html",
        "class_report.html": out / "class_report.html",
    }


def measure(pages: dict[str, Path]) -> None:
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, path in pages.items():
            page.goto(path.as_uri())
            height = page.evaluate("document.documentElement.scrollHeight")
            line = f"{name:<18} {path.stat().st_size / 1024:8.1f} kB  {height:7d} px"
            folded = page.locator("details:not([open])").count()
            if folded:
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                unfolded = page.evaluate("document.documentElement.scrollHeight")
                line += f" as it opens; {unfolded} px with its {folded} sections unfolded"
            page.evaluate(AXE_SCRIPT)
            found = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
            violations = found["violations"]
            summary = ", ".join(f"{v['id']} ×{len(v['nodes'])}" for v in violations) or "none"
            print(line)
            print(f"{'':<18} axe: {len(violations)} rule(s) violated: {summary}")
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        measure(build(Path(tmp)))


if __name__ == "__main__":
    main()
