"""Old path `diplomatic_cover.policy`, kept for one release (README, Layout).

Now `diplomatic_cover.lessons.policy`: import from there.
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.policy import *  # noqa: F403
from diplomatic_cover.lessons.policy import main

__getattr__ = forward(__name__, "diplomatic_cover.lessons.policy")


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
