# The test hub's configuration. realhub.py writes `SETTINGS = {...}` above this text.
# The service's part mirrors deploy/jupyterhub_config.py, which is what a real hub uses.
# ruff: noqa: F821  (get_config and SETTINGS are provided when JupyterHub runs this file)

c = get_config()
S = SETTINGS
SERVICE = "diplomatic-cover"
PYTHON = f"{S['ENV']}/bin/python"

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = S["PORT"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["HUB_PORT"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = f"{S['FOLDER']}/jupyterhub-proxy.pid"
c.JupyterHub.db_url = f"sqlite:///{S['FOLDER']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{S['FOLDER']}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = S["PASSWORD"]
c.Authenticator.allowed_users = set(S["USERS"])

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [f"{S['ENV']}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.JupyterHub.slow_spawn_timeout = 0
c.Spawner.environment = {
    "PATH": f"{S['ENV']}/bin:/usr/local/bin:/usr/bin:/bin",
    "PYTHONPATH": S["KIT"],
    "GIT_CONFIG_SYSTEM": S["GIT_CONFIG"],
    # Where a kernel finds the course service: through the proxy, as on a real hub.
    "DIPLOMATIC_COVER_SERVICE_URL": f"http://127.0.0.1:{S['PORT']}/services/{SERVICE}/",
}

c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{S['SERVICE_PORT']}",
        "command": [PYTHON, "-m", "diplomatic_cover.hub.service", "--storage", S["STORAGE"]],
        "environment": {"PYTHONPATH": S["KIT"], "PATH": f"{S['ENV']}/bin:/usr/bin:/bin"},
        "oauth_no_confirm": True,
    },
    # The test's own admin: creates users, groups, tokens and servers through the REST API.
    {"name": "test-admin", "api_token": S["ADMIN_TOKEN"]},
]
c.JupyterHub.load_roles = [
    # Every user, and the token of every user's server, may call the course service.
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
    {
        "name": "server",
        "scopes": [
            "users:activity!user",
            "access:servers!server",
            f"access:services!service={SERVICE}",
        ],
    },
    # The service reads group and role membership to tell instructors from students.
    {
        "name": "course-service",
        "scopes": ["read:users:groups", "read:roles:users"],
        "services": [SERVICE],
    },
    {
        "name": "test-admin",
        "scopes": [
            "admin:users",
            "admin:groups",
            "admin:servers",
            "tokens",
            "access:servers",
            "read:hub",
            "read:roles",
        ],
        "services": ["test-admin"],
    },
]
c.JupyterHub.load_groups = {"instructors": {"users": S["INSTRUCTORS"]}}
