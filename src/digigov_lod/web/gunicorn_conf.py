"""gunicorn settings for production serving (``make run``), with the entry point in :mod:`.asgi`.

gunicorn's asyncio worker answers repeated requests on its event loop; everything else runs in
a pool of threads per process (``DIGIGOV_WEB_THREADS``, read by the app), and queries run in
the engine's own worker processes, so two web processes are enough for two cores.
"""

import os

workers = int(os.environ.get("DIGIGOV_WEB_WORKERS", "2"))
worker_class = "asgi"
asgi_loop = "asyncio"  # the standard library's loop: nothing more to install
timeout = 60
keepalive = 5  # seconds an idle connection stays open; a graceful stop (SIGTERM) waits for idle ones too
# Each worker listens on its own socket and the kernel spreads new connections over them; with one
# shared socket, the event loop that wakes first accepts every waiting connection and the other
# process idles.
reuse_port = True
control_socket_disable = True  # no gunicornc socket in the home folder
accesslog = os.environ.get("DIGIGOV_ACCESS_LOG", "-") or None  # empty: no access log
