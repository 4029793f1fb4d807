"""Old path `diplomatic_cover.capacity_model`, kept for one release (README, Layout).

Now `diplomatic_cover.lessons.capacity_model`: import from there.
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.capacity_model import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.lessons.capacity_model")
