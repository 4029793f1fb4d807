"""Old path `diplomatic_cover.reciprocity_game`, kept for one release (README, Layout).

Import from its new home:
- `diplomatic_cover.lessons.reciprocity_game`
- `diplomatic_cover.widgets.reciprocity`
"""

from diplomatic_cover._old_paths import forward
from diplomatic_cover.lessons.reciprocity_game import *  # noqa: F403
from diplomatic_cover.widgets.reciprocity import *  # noqa: F403

__getattr__ = forward(
    __name__, "diplomatic_cover.lessons.reciprocity_game", "diplomatic_cover.widgets.reciprocity"
)
