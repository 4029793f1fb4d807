# The hub's image for Zero to JupyterHub, with the course service added.
# The service runs inside the hub pod (a Hub-managed service) and needs only JupyterHub, which
# this image has, and the class copy's package, installed without its dependencies.
# Build it with the class copy's folder as the context:
#     docker build -f KIT/deploy/z2jh/hub.Dockerfile -t REGISTRY/course-hub:TAG CLASS-COPY
# Match the tag to your chart version (chart 4.4.0, June 2026, ships JupyterHub 5.5.0 and
# fixes a denial-of-service advisory: use it or newer).
FROM quay.io/jupyterhub/k8s-hub:4.4.0

USER root
COPY . /usr/src/class-copy
RUN python3 -m pip install --no-cache-dir --no-deps /usr/src/class-copy \
    && rm -rf /usr/src/class-copy
USER ${NB_USER}
