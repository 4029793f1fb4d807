"""Old path `diplomatic_cover.authoring`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.instructor.authoring`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.instructor.authoring import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.instructor.authoring")
