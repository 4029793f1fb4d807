"""Old path `diplomatic_cover.setup_env`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.setup.env`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.setup.env import *  # noqa: F403
from diplomatic_cover.setup.env import main

__getattr__ = forward(__name__, "diplomatic_cover.setup.env")


if __name__ == "__main__":
    raise SystemExit(main())
