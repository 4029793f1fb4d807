"""Old path `diplomatic_cover.identity`, kept for one release (README, Layout).

Now `diplomatic_cover.answers.identity`: import from there.
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.answers.identity import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.answers.identity")
