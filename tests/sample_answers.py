"""A small catalogue and one student's answers of every shape, shared by the report and
submission tests (a catalogue written here keeps counts stable while the kit's grows)."""

from diplomatic_cover.answers.identity import Student
from diplomatic_cover.answers.store import ResponseStore

ANA = Student(id="ana-silva", name="Ana Silva")
SCRIPT_ANSWER = (
    'I would expel them. <script>alert("pwned")</script><img src="http://example.invalid/x">'
)

CATALOGUE_TOML = """
[[question]]
id = "01.why-expel"
notebook = "01_tour"
type = "text"
title = "Why expel"
natural_order = true
practice = false
poolable = false
prompt = "Why **expel** diplomats rather than arrest them? See [the treaty](https://example.org/vienna)."

[[question]]
id = "01.one-word"
notebook = "01_tour"
type = "short_text"
title = "One word"
natural_order = true
practice = false
poolable = false
prompt = "One word for a spy under diplomatic cover?"

[[question]]
id = "01.first-step"
notebook = "01_tour"
type = "single"
title = "First step"
natural_order = false
practice = false
poolable = false
prompt = "A cell fails with NameError. First step?"
options = [
  { id = "restart", label = "Restart the computer" },
  { id = "run-above", label = "Run the cells above" },
]

[[question]]
id = "01.survives"
notebook = "01_tour"
type = "multiple"
title = "Survives a restart"
natural_order = false
practice = false
poolable = false
prompt = "What survives a kernel restart?"
options = [
  { id = "answers", label = "Saved answers" },
  { id = "variables", label = "Variables" },
  { id = "text", label = "Notebook text" },
]

[[question]]
id = "02.embassies-open"
notebook = "02_cover"
type = "scale"
title = "Keep embassies open"
natural_order = true
practice = false
poolable = true
prompt = "Embassies are worth keeping open."
confidence = true
opinion = true

[[question]]
id = "02.expelled"
notebook = "02_cover"
type = "number"
title = "How many expelled"
natural_order = true
practice = false
poolable = false
prompt = "How many Russian diplomats did the United States expel in March 2018?"
unit = "people"
min = 0
max = 1000

[[question]]
id = "02.sources"
notebook = "02_cover"
type = "ranking"
title = "Rank sources"
natural_order = false
practice = false
poolable = false
prompt = "Rank the sources, most reliable first."
options = [
  { id = "ministry", label = "Ministry statement" },
  { id = "wire", label = "News agency" },
  { id = "post", label = "Anonymous post" },
]

[[question]]
id = "02.kinds"
notebook = "02_cover"
type = "classify"
title = "Kinds of statement"
natural_order = true
practice = false
poolable = false
prompt = "Put each statement under a label."
statements = [
  { id = "met", label = "Delegations met in Istanbul." },
  { id = "said", label = "Officials said Russia was holding back." },
  { id = "must", label = "The US must stay vigilant." },
]
labels = [
  { id = "fact", label = "Reported fact" },
  { id = "opinion", label = "Opinion" },
]
"""


def fill_store(store: ResponseStore, student: Student = ANA) -> None:
    """Answers of every shape a student leaves behind, including a bad number and a script."""
    store.save_answer(student, "01_tour", "01.why-expel", SCRIPT_ANSWER)
    store.save_answer(student, "01_tour", "01.survives", ["answers", "text"])
    store.save_answer(
        student,
        "02_cover",
        "02.embassies-open",
        {"point": 4, "confidence": 3, "why": "Channels <matter> in a crisis"},
    )
    store.save_answer(
        student, "02_cover", "02.expelled", {"raw": "abc", "number": None}, valid=False, raw="abc"
    )
    store.save_answer(student, "02_cover", "02.sources", ["wire", "ministry", "post"])
    store.save_answer(student, "02_cover", "02.kinds", {"met": "fact", "must": "opinion"})
    store.save_check(student, "02_cover", "expelled-total", 60, passed=True)
