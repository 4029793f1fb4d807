"""Old path `diplomatic_cover.progress_view`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.widgets.progress`
- `diplomatic_cover.answers.state`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.answers.state import *  # noqa: F403
from diplomatic_cover.widgets.progress import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.widgets.progress", "diplomatic_cover.answers.state"
)
