"""Students' answers: the question catalogue, the durable store, who is answering, and
whether each question counts as answered. Standard library only (no widgets), so the
command line, the hand-in and the grader use it without a kernel.
"""
