"""Students' answers: the question catalogue, the durable store, who is answering, and
whether each question counts as answered, and the exercises' `check(...)`. No widgets, and
heavy libraries only inside the functions that need them, so the command line, the hand-in
and the grader use it without a kernel.
"""
