"""The lessons' models, tables and figures (notebooks 01-06 and the exercises).

Pure functions over plain data: the data they teach from (role cards, claims map, published
estimates, default matrix weights and scores) is in `lessons/data/`, read with the standard
library. Their sliders and games are in `diplomatic_cover.widgets`.
"""
