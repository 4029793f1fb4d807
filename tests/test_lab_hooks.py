"""Notebooks are saved without widget views, so reopening them never shows broken widgets."""

import json

from diplomatic_cover.lab_hooks import WIDGET_VIEW, pre_save_hook, strip_widget_outputs
from diplomatic_cover.setup_env import install_save_hook


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


def test_setup_writes_the_server_config_that_installs_the_hook(tmp_path):
    path = install_save_hook(tmp_path)
    config = json.loads(path.read_text())
    assert config["ContentsManager"]["pre_save_hook"] == "diplomatic_cover.lab_hooks.pre_save_hook"
    assert path.parent.name == "jupyter_server_config.d"
