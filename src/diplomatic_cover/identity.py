"""Old path `diplomatic_cover.identity`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.answers.identity`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.answers.identity import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.answers.identity")
