"""Old path `diplomatic_cover.session`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.widgets.session`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.widgets.session import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.widgets.session")
