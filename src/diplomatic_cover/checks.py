"""Old path `diplomatic_cover.checks`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.answers.checks`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.answers.checks import *  # noqa: F403

__getattr__ = forward(__name__, "diplomatic_cover.answers.checks")
