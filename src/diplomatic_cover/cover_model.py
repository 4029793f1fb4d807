"""Old path `diplomatic_cover.cover_model`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.lessons.cover_model`
- `diplomatic_cover.widgets.cover`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.cover_model import *  # noqa: F403
from diplomatic_cover.widgets.cover import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.lessons.cover_model", "diplomatic_cover.widgets.cover"
)
