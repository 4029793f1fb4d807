# The Diplomatic Cover course service, for a JupyterHub configured in Python.
#
# Add it to your jupyterhub_config.py after `c = get_config()`, either pasted in or with
#     exec(open("/path/to/diplomatic_cover_service.py").read())
# It adds the service (which JupyterHub starts and stops), the roles that let every user and
# every user's server call it, and the variable that tells kernels where it is. The test
# suite's hub loads this very file (tests/hub/jupyterhub_config.template.py).
#
# Settings (environment variables of the hub, or edit the defaults here):
#   DIPLOMATIC_COVER_STORAGE    the course's private folder (hand-ins, feedback, pulse)
#   DIPLOMATIC_COVER_PROXY_URL  where single-user servers reach the hub's proxy
#   DIPLOMATIC_COVER_SERVICE_PORT, DIPLOMATIC_COVER_PYTHON, DIPLOMATIC_COVER_INSTRUCTOR_GROUP,
#   DIPLOMATIC_COVER_INSTRUCTOR_ROLE
# The hub's Python environment needs the class copy's package (pip install --no-deps works:
# the service needs only JupyterHub and the kit's catalogue).
# ruff: noqa: F821  (c is JupyterHub's config object)

import os as _os
import sys as _sys

DC_SERVICE = "diplomatic-cover"
DC_PORT = int(_os.environ.get("DIPLOMATIC_COVER_SERVICE_PORT", "10101"))
DC_STORAGE = _os.environ.get("DIPLOMATIC_COVER_STORAGE", "/srv/jupyterhub/diplomatic-cover")
DC_PROXY_URL = _os.environ.get("DIPLOMATIC_COVER_PROXY_URL", "http://127.0.0.1:8000")
DC_PYTHON = _os.environ.get("DIPLOMATIC_COVER_PYTHON", _sys.executable)
DC_INSTRUCTORS = _os.environ.get("DIPLOMATIC_COVER_INSTRUCTOR_GROUP", "instructors")
# Optional: a hub role whose holders also teach (teaching assistants, say).
DC_INSTRUCTOR_ROLE = _os.environ.get("DIPLOMATIC_COVER_INSTRUCTOR_ROLE", "")

_service_env = {"PATH": _os.path.dirname(DC_PYTHON) + ":/usr/local/bin:/usr/bin:/bin"}
if "PYTHONPATH" in _os.environ:  # a hub started with the kit on PYTHONPATH passes it on
    _service_env["PYTHONPATH"] = _os.environ["PYTHONPATH"]

_command = [
    DC_PYTHON,
    "-m",
    "diplomatic_cover.hub.service",
    "--storage",
    DC_STORAGE,
    "--instructor-group",
    DC_INSTRUCTORS,
]
if DC_INSTRUCTOR_ROLE:
    _command += ["--instructor-role", DC_INSTRUCTOR_ROLE]

c.JupyterHub.services.append(
    {
        "name": DC_SERVICE,
        "url": f"http://127.0.0.1:{DC_PORT}",
        "command": _command,
        "environment": _service_env,
        "oauth_no_confirm": True,
        "display": False,
    }
)
c.JupyterHub.load_roles.extend(
    [
        # Every user may call the service with their own token...
        {"name": "user", "scopes": ["self", f"access:services!service={DC_SERVICE}"]},
        # ...and so may their server's token (JUPYTERHUB_API_TOKEN, which kernels see).
        {
            "name": "server",
            "scopes": [
                "users:activity!user",
                "access:servers!server",
                f"access:services!service={DC_SERVICE}",
            ],
        },
        # The service reads group and role membership to tell instructors from students.
        {
            "name": "diplomatic-cover-service",
            "scopes": ["read:users:groups", "read:roles:users"],
            "services": [DC_SERVICE],
        },
    ]
)
c.Spawner.environment.update(
    {"DIPLOMATIC_COVER_SERVICE_URL": f"{DC_PROXY_URL.rstrip('/')}/services/{DC_SERVICE}/"}
)
# Instructors: members of the hub group named above. Create it in the admin panel, or:
# c.JupyterHub.load_groups = {"instructors": {"users": ["ana-teacher"]}}
