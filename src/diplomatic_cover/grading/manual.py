"""Old path `diplomatic_cover.grading.manual`, kept for one release (README, Layout).

Now `diplomatic_cover.widgets.rubric`: import from there.
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.widgets.rubric import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.widgets.rubric")
