# The grader's image for a cluster: the class image's recipe (deploy/binder/requirements.txt,
# the same libraries students' notebooks ran with) plus the OPEN kit (answer key, hidden
# checks, instructors/grading.toml), and bubblewrap for --execute's sandbox.
# Build it from the open kit's folder, and push it to a registry only teaching staff can
# read (the image holds the answer key):
#     docker build -f deploy/grading/grader.Dockerfile -t REGISTRY/diplomatic-cover-grader:TAG .
FROM python:3.12-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap util-linux \
    && rm -rf /var/lib/apt/lists/*
COPY deploy/binder/requirements.txt /tmp/requirements.txt
RUN python -m pip install --no-cache-dir -r /tmp/requirements.txt
COPY . /opt/diplomatic-cover
# Editable, so the package finds instructors/ (grading.toml, rubrics) beside it.
RUN python -m pip install --no-cache-dir --no-deps -e /opt/diplomatic-cover
WORKDIR /opt/diplomatic-cover
# The sandbox runs students' code as an unused user id; the grader itself runs as root.
USER root
ENTRYPOINT ["diplomatic-cover"]
