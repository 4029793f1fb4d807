"""check_setup() is the first thing a student runs: it must say plainly what works."""

import subprocess
import sys

from diplomatic_cover import check_setup
from diplomatic_cover.setup.check import _package_check


def test_a_working_install_reports_all_set():
    report = check_setup()
    assert report.ok, str(report)
    assert "All set" in str(report)
    assert "All set" in report._repr_html_()


def test_a_missing_library_is_named_with_what_to_do():
    check = _package_check("no-such-package-for-diplomatic-cover")
    assert not check.ok
    assert "make lab" in check.detail


def test_importing_the_kit_does_not_load_heavy_libraries():
    code = (
        "import sys, diplomatic_cover\n"
        "heavy = {'nbformat', 'jsonschema', 'pandas', 'matplotlib', 'nbclient'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_notebook_api_names_are_functions_not_modules():
    import diplomatic_cover as dc

    for name in ("ask", "start", "name_box", "check_setup"):
        assert callable(getattr(dc, name)), name
