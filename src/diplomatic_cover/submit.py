"""Old path `diplomatic_cover.submit`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.handin.submission`
- `diplomatic_cover.widgets.handin`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.handin.submission import *  # noqa: F403
from diplomatic_cover.widgets.handin import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.handin.submission", "diplomatic_cover.widgets.handin"
)
