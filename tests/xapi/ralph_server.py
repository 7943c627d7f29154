"""Ralph's LRS app under uvicorn, run by the Python of Ralph's own venv (tests/xapi/ralph_lrs.py).

``ralph runserver`` does the same with a reloader, but Ralph 5.1.0's file-system LRS backend
writes each POST with the CREATE operation, which refuses to touch its statements file once
it exists: the second statement ever sent answers 500 "bulk indexation failed". Here the
backend appends instead; everything else (validation, auth, storage, queries) is Ralph's.
Run as: python ralph_server.py HOST PORT (configuration in RALPH_* variables).
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
