"""datasets domain.

Importing the package registers its hooks into content: the ``{data}`` inline role and the
checked claims about data (see ``app.datasets.inline`` and ``app.datasets.claims``).
"""

from app.datasets import claims, inline

__all__ = ["claims", "inline"]
