"""Old path `diplomatic_cover.store`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.answers.store`
- `diplomatic_cover.safe_files`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.answers.store import *  # noqa: F403
from diplomatic_cover.safe_files import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.answers.store", "diplomatic_cover.safe_files")
