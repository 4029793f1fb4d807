"""Old path `diplomatic_cover.release`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.instructor.release`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.instructor.release import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.instructor.release")
