"""The score reader: the most requested read without a unit of work (see ``base``).

``base`` holds the interface; ``sqlite``, ``postgres`` and ``engine`` its implementations;
``factory.make_score_reader`` picks one for an engine.
"""

from persistence.score_reader.base import Presence, ScoreReader
from persistence.score_reader.factory import make_score_reader

__all__ = ["Presence", "ScoreReader", "make_score_reader"]
