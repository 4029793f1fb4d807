"""Old path `diplomatic_cover.choice_widget`, kept for one release (README, Layout).

Now `diplomatic_cover.widgets.choice`: import from there.
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.widgets.choice import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.widgets.choice")
