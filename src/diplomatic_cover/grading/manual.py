"""Old path `diplomatic_cover.grading.manual`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.widgets.rubric`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.widgets.rubric import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.widgets.rubric")
