"""Old path `diplomatic_cover.capacity_model`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.lessons.capacity_model`
- `diplomatic_cover.widgets.capacity`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.capacity_model import *  # noqa: F403
from diplomatic_cover.widgets.capacity import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.lessons.capacity_model", "diplomatic_cover.widgets.capacity"
)
