"""Old path `diplomatic_cover.lab_hooks`: the save hook's name in every environment's
jupyter_server_config.json (`setup_env` still writes it), so it stays.

Import from its new home:
- `diplomatic_cover.setup.hooks`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.setup.hooks import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.setup.hooks")
