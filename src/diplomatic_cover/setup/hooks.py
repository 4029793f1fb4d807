"""JupyterLab server hook: save notebooks without widget views.

A saved widget view points at a model that lives only in a running kernel, so a reopened
notebook shows "Error displaying widget: model not found". The kit keeps answers in its
store, not in the notebook, so on every save this hook drops widget views (keeping the short
text the widget left beside them: "run this cell to show it again") and any saved widget
state. `python -m diplomatic_cover.setup_env` (run by the Makefile) installs it in the
environment's Jupyter configuration.
"""

from __future__ import annotations

from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def strip_widget_outputs(notebook: dict[str, Any]) -> int:
    """Remove widget views and saved widget state from a notebook dict; return how many."""
    removed = 0
    metadata = notebook.get("metadata") or {}
    if "widgets" in metadata:
        metadata.pop("widgets")
        removed += 1
    for cell in notebook.get("cells", []):
        kept = []
        for output in cell.get("outputs", []) or []:
            data = output.get("data")
            if isinstance(data, dict) and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                removed += 1
                if not data:
                    continue
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return removed


def pre_save_hook(model: dict[str, Any], **_kwargs: Any) -> None:
    """`ContentsManager.pre_save_hook`: strip widget views from notebooks being saved."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_widget_outputs(model["content"])
