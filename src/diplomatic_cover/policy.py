"""Old path `diplomatic_cover.policy`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.lessons.policy`
- `diplomatic_cover.widgets.policy`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.policy import *  # noqa: F403
from diplomatic_cover.lessons.policy import main
from diplomatic_cover.widgets.policy import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.lessons.policy", "diplomatic_cover.widgets.policy"
)


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
