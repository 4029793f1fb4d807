"""Every web address in the kit follows `instructors/citation_policy.md`, checked offline.

The policy lists the domains the kit may cite (each with its outlet, its kind and whether it is
state media) and a few pages the kit shows as examples of what not to trust. For each address
this test finds the domain's row and checks the rules a reader cannot see from the address
alone: a state outlet carries its label in the same citation, a licensee carrying wire copy
names the agency, an aggregator is cited only with "original not found". Nothing is fetched.
"""

import csv
import io
import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.kit_files import ROOT, kit_files

POLICY = ROOT / "instructors" / "citation_policy.md"
KINDS = {"news", "official", "research", "reference", "archive", "carrier", "aggregator"}
STATE_FLAGS = {"no", "state-controlled", "state-funded"}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# Not the web: reserved example names (RFC 2606 and the like) and placeholder TLDs.
PLACEHOLDER_SUFFIXES = (".test", ".invalid", ".localhost", ".local", ".internal")

URL = re.compile(r"https?://[^\s<>\"'`|\\]+")
STATE_LABEL = re.compile(
    r"state[- ](media|news agency|newspaper|broadcaster|run|owned|controlled|funded)"
    r"|government[- ]funded",
    re.IGNORECASE,
)
NAMES_THE_AGENCY = re.compile(
    r"\bvia\b|carried by|republish|reprint|syndicat|\bcopy\b"
    r"|\b(AP|Reuters|AFP|dpa|PA|Xinhua|Jiji|IANS|ANI|PTI|Bloomberg|NPR|NYT|New York Times)\b"
)
ORIGINAL_NOT_FOUND = re.compile(r"original not found", re.IGNORECASE)


# --- reading the policy ---------------------------------------------------------------------


def _table(section: str) -> list[list[str]]:
    """The rows of the first Markdown table under a `## section` heading of the policy."""
    text = POLICY.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ")[0]
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows[1:]]


def allowed_domains() -> dict[str, dict[str, str]]:
    return {
        domain: {"outlet": outlet, "kind": kind, "state": state}
        for domain, outlet, kind, state in _table("Domains the kit may cite")
    }


def studied_pages() -> dict[str, set[str]]:
    return {
        address: {f.strip().strip("`") for f in files.split(",")}
        for address, _what, files in _table("Pages studied as examples")
    }


# --- finding the citations ------------------------------------------------------------------


def _urls(text: str) -> list[str]:
    found = []
    for url in URL.findall(text):
        url = url.rstrip(".,;:")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(".,;:")
        if urlsplit(url).hostname:
            found.append(url)
    return found


def _toml_entries(node, path=()):
    """Each table of a TOML document with its string values (the citation's context)."""
    if isinstance(node, dict):
        texts = [v for v in node.values() if isinstance(v, str)]
        texts += [s for v in node.values() if isinstance(v, list) for s in v if isinstance(s, str)]
        if texts:
            yield " ".join(texts)
        for value in node.values():
            yield from _toml_entries(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toml_entries(item)


def _records(path: Path) -> list[str]:
    """The units one citation lives in: CSV rows, TOML tables, or lines of text."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return [" | ".join(row) for row in csv.reader(io.StringIO(text))]
    if path.suffix == ".toml":
        return list(_toml_entries(tomllib.loads(text)))
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        return [line for c in cells for line in "".join(c["source"]).splitlines()]
    return text.splitlines()


def citations(path: Path) -> list[tuple[str, str]]:
    """(address, the citation around it) for every web address in one file."""
    return [(url, record) for record in _records(path) for url in _urls(record)]


# --- the rules ------------------------------------------------------------------------------


def _domain(url: str) -> str:
    host = urlsplit(url).hostname.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _row(domain: str, domains: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The domain's own row, or else its nearest listed parent domain's."""
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in domains:
            return domains[".".join(parts[i:])]
    return None


def _is_public_web(domain: str) -> bool:
    """False for addresses that cite nothing: this machine, a service name inside a
    deployment ("hub", "proxy-public"), a template ("{bind}", "HUB") or an example domain."""
    return not (
        domain in LOCAL_HOSTS
        or "." not in domain
        or "{" in domain
        or "example" in domain.split(".")
        or domain.endswith(PLACEHOLDER_SUFFIXES)
    )


def problem(url: str, context: str, where: str, domains, studied) -> str | None:
    """What is wrong with one citation under the policy, or None."""
    domain = _domain(url)
    if not _is_public_web(domain):
        return None
    if url in studied:
        return (
            None
            if where in studied[url] | {"instructors/citation_policy.md"}
            else (f"{url}: a page studied as an example, listed for {sorted(studied[url])} only")
        )
    row = _row(domain, domains)
    if row is None:
        return f"{url}: {domain} is not in the allow-list of instructors/citation_policy.md"
    if row["state"] != "no" and not STATE_LABEL.search(context):
        return f"{url}: {row['outlet']} is {row['state']} media; label it in the citation"
    if row["kind"] == "carrier" and not NAMES_THE_AGENCY.search(context):
        return f"{url}: {row['outlet']} carries agency copy; name the agency (rule 2)"
    if row["kind"] == "aggregator" and not ORIGINAL_NOT_FOUND.search(context):
        return f"{url}: {row['outlet']} is an aggregator; cite the original (rule 5)"
    return None


def problems(path: Path) -> list[str]:
    domains, studied = allowed_domains(), studied_pages()
    where = path.relative_to(ROOT).as_posix()
    found = (problem(url, context, where, domains, studied) for url, context in citations(path))
    return [p for p in found if p]


# --- the examples ---------------------------------------------------------------------------


def check(url: str, context: str = "", where: str = "notebooks/02_espionage_risk.ipynb"):
    return problem(url, context, where, allowed_domains(), studied_pages())


def test_an_outlets_own_page_passes_and_a_copy_site_does_not():
    assert check("https://www.theguardian.com/world/2010/sep/27/x") is None
    assert "not in the allow-list" in check("https://webjosh.com/article/some-copy")
    assert "not in the allow-list" in check("https://k-analiza.blogspot.com/2023/04/x.html")


def test_a_page_of_the_pravda_network_is_never_a_source():
    found = check("https://turkey.news-pravda.com/en/world/2025/02/28/4650.html", "TASS copy")
    assert "not in the allow-list" in found


def test_state_media_need_their_label_beside_the_link():
    url = "https://tass.com/politics/1394761"
    assert "state-controlled media" in check(url, "TASS, 28 Jan 2022")
    assert check(url, "TASS (Russian state news agency), 28 Jan 2022") is None
    assert check("https://www.rferl.org/a/x/1.html", "RFE/RL (US government-funded)") is None


def test_wire_copy_on_a_licensees_page_names_the_agency():
    url = "https://nationalpost.com/pmn/news-pmn/some-story"
    assert "name the agency" in check(url, "Some story (National Post)")
    assert check(url, "Some story (Reuters, as carried by the National Post)") is None


def test_an_aggregator_only_where_the_original_was_not_found():
    url = "https://www.devdiscourse.com/article/law-order/1-x"
    assert "aggregator" in check(url, "Story (Reuters via Devdiscourse)")
    assert check(url, "Story (Reuters via Devdiscourse; original not found)") is None


def test_a_studied_page_stays_in_the_files_that_study_it():
    url = "https://kotle.xyz/plans-to-return-russian-diplomats-to-the-us"
    assert check(url, where="notebooks/01_reading_the_article.ipynb") is None
    assert "studied as an example" in check(url, where="notebooks/02_espionage_risk.ipynb")


def test_a_subdomain_is_covered_by_its_parents_row():
    assert check("https://m.dw.com/en/x/a-1", "DW (German state-funded broadcaster)") is None
    assert check("https://edition.cnn.com/2025/02/28/politics/x") is None


def test_configuration_addresses_are_not_citations():
    for url in (
        "http://hub:10101",
        "http://proxy-public/services/x/",
        "http://{bind}",
        "https://HUB/hub/user-redirect/git-pull",
        "https://git.example.edu/course/x",
        "http://localhost:8888/lab",
        "http://jupyter.test/x",
    ):
        assert check(url) is None, url
    assert "not in the allow-list" in check("https://exampletimes.com/story")


def test_every_row_of_the_allow_list_is_complete():
    rows = _table("Domains the kit may cite")
    assert len({row[0] for row in rows}) == len(rows), "a domain is listed twice"
    for domain, outlet, kind, state in rows:
        assert domain == domain.lower() and not domain.startswith("www."), domain
        assert outlet and kind in KINDS and state in STATE_FLAGS, (domain, kind, state)


def test_the_addresses_are_found_in_each_kind_of_file():
    assert _urls("see [the text](https://a.org/x_(y)), then https://b.org/z.") == [
        "https://a.org/x_(y)",
        "https://b.org/z",
    ]
    assert _urls("https://www.ynetnews.com/articles/0,7340,L-5200147,00.html") == [
        "https://www.ynetnews.com/articles/0,7340,L-5200147,00.html"
    ]


# --- the kit --------------------------------------------------------------------------------

CITING_FILES = [p for p in kit_files() if p.relative_to(ROOT).parts[0] != "tests"]


def _param(path: Path):
    return pytest.param(path, id=path.relative_to(ROOT).as_posix())


def _cites(path: Path) -> bool:
    return bool(URL.search(path.read_bytes().decode("utf-8", "replace")))


@pytest.mark.parametrize("path", [_param(p) for p in CITING_FILES if _cites(p)])
def test_every_address_follows_the_citation_policy(path):
    assert problems(path) == []
