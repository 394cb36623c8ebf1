"""gunicorn settings for production serving (``make run``).

Threads rather than many processes: queries run in the engine's own worker processes, so the
web processes mostly wait on pipes and sockets.
"""

import os

workers = int(os.environ.get("DIGIGOV_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("DIGIGOV_WEB_THREADS", "8"))
timeout = 60
keepalive = 30
accesslog = os.environ.get("DIGIGOV_ACCESS_LOG", "-") or None  # empty: no access log
