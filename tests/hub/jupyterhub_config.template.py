# The test hub's configuration. realhub.py writes `SETTINGS = {...}` above this text.
# ruff: noqa: F821  (get_config and SETTINGS are provided when JupyterHub runs this file)

c = get_config()
S = SETTINGS

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
    "JUPYTER_CONFIG_PATH": S["JUPYTER_CONFIG"],
}

# The course service, its roles and DIPLOMATIC_COVER_SERVICE_URL: exactly what a real hub
# loads. realhub.py sets its DIPLOMATIC_COVER_* variables and PYTHONPATH for it.
with open(S["DEPLOY_SNIPPET"]) as snippet:
    exec(compile(snippet.read(), S["DEPLOY_SNIPPET"], "exec"))

# The test's own admin: creates users, groups, tokens and servers through the REST API.
c.JupyterHub.services.append({"name": "test-admin", "api_token": S["ADMIN_TOKEN"]})
c.JupyterHub.load_roles.append(
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
    }
)
c.JupyterHub.load_roles.append(
    {"name": "teaching-assistants", "scopes": ["self"], "users": S["ASSISTANTS"]}
)
c.JupyterHub.load_groups = {"instructors": {"users": S["INSTRUCTORS"]}}
