"""Notebooks are saved without widget views, so reopening them never shows broken widgets."""

import json

from diplomatic_cover.setup.env import install_save_hook
from diplomatic_cover.setup.hooks import WIDGET_VIEW, pre_save_hook, strip_widget_outputs


def _notebook_with_a_widget_output():
    return {
        "metadata": {"widgets": {"state": {}}},
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            "text/plain": "Question 00.tour-text: run this cell to show it again",
                            WIDGET_VIEW: {"model_id": "abc", "version_major": 2},
                        },
                    },
                    {"output_type": "stream", "name": "stdout", "text": "kept\n"},
                ],
            },
            {"cell_type": "markdown", "source": "text"},
        ],
    }


def test_widget_views_and_state_are_dropped_and_the_hint_is_kept():
    nb = _notebook_with_a_widget_output()
    assert strip_widget_outputs(nb) == 2
    outputs = nb["cells"][0]["outputs"]
    assert outputs[0]["data"] == {
        "text/plain": "Question 00.tour-text: run this cell to show it again"
    }
    assert outputs[1]["text"] == "kept\n"
    assert "widgets" not in nb["metadata"]


def test_the_hook_only_touches_notebooks():
    model = {"type": "file", "content": "plain text"}
    pre_save_hook(model)
    assert model["content"] == "plain text"
    nb_model = {"type": "notebook", "content": _notebook_with_a_widget_output()}
    pre_save_hook(nb_model)
    assert WIDGET_VIEW not in nb_model["content"]["cells"][0]["outputs"][0]["data"]


def test_setup_sets_the_hook_and_keeps_other_server_settings(tmp_path):
    existing = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    existing.parent.mkdir(parents=True)
    existing.write_text(json.dumps({"ServerApp": {"open_browser": False}}))
    path = install_save_hook(tmp_path)
    assert path == existing
    config = json.loads(path.read_text())
    assert config["ContentsManager"]["pre_save_hook"] == "diplomatic_cover.lab_hooks.pre_save_hook"
    assert config["ServerApp"] == {"open_browser": False}


def test_the_running_environment_loads_the_hook():
    from jupyter_server.serverapp import ServerApp

    app = ServerApp()
    app.load_config_file()
    assert app.config.ContentsManager.pre_save_hook == "diplomatic_cover.lab_hooks.pre_save_hook"
