"""Old path `diplomatic_cover.record`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.lessons.record`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.record import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.lessons.record")
