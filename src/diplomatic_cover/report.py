"""Old path `diplomatic_cover.report`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.handin.report`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.handin.report import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.handin.report")
