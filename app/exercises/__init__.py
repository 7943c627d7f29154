"""exercises domain.

Importing the package registers its content check: near misses of data-derived answers
(``app.exercises.near_miss``).
"""

from app.exercises import near_miss

__all__ = ["near_miss"]
