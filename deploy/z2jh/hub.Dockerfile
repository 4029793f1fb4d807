# The hub's image for Zero to JupyterHub, with the course service added.
# The service runs inside the hub pod (a Hub-managed service) and needs only JupyterHub, which
# this image has, and the class copy's package, installed without its dependencies.
# Build it from the class copy's folder:
#     docker build -f binder/../deploy/z2jh/hub.Dockerfile -t REGISTRY/course-hub:TAG .
# Match the tag to your chart version (chart 4.x ships JupyterHub 5).
FROM quay.io/jupyterhub/k8s-hub:4.2.0

USER root
COPY . /usr/src/class-copy
RUN python3 -m pip install --no-cache-dir --no-deps /usr/src/class-copy \
    && rm -rf /usr/src/class-copy
USER ${NB_USER}
