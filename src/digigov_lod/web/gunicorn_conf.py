"""gunicorn settings for production serving (``make run``), with the entry point in :mod:`.asgi`.

gunicorn's asyncio worker answers repeated requests on its event loop; everything else runs in
a pool of threads per process (``DIGIGOV_WEB_THREADS``, read by the app), and queries run in
the engine's own worker processes, so two web processes are enough for two cores.

The hooks below make a reload (SIGHUP) safe:

- **The release is pinned in the master.** At start and at each reload the master resolves
  ``DIGIGOV_RELEASE_DIR`` (``dist`` is a link to a versioned folder) and opens the release there;
  workers serve that resolved folder. When the folder the link names by then does not open (no
  manifest, say), the master logs why and the new workers serve the release that opened last:
  a broken release never replaces a working one, and gunicorn does not stop.
- **The listening sockets belong to the master.** Each worker has its own ``SO_REUSEPORT`` socket,
  so the kernel spreads new connections over the processes (with one shared socket the event loop
  that wakes first takes every waiting connection and the other process idles). gunicorn's own
  ``reuse_port`` opens that socket in the worker, and a stopping worker's close resets the
  connections waiting in it. Here the master opens one socket per worker slot and keeps it; a new
  worker takes over its slot's socket from the old one, so nothing waiting in it is lost, and the
  old one accepts on until the new one serves (``handover`` files in a temporary folder), so a
  reload costs no client a wait for a worker to start.
"""

from __future__ import annotations

import gc
import shutil
import socket
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from digigov_lod.config import server_from_environment

SERVER = server_from_environment()  # a bad value stops gunicorn with a message naming the variable

workers = SERVER.web_workers
worker_class = "digigov_lod.web.gunicorn_worker.Worker"  # gunicorn's asgi worker; see that module
asgi_loop = "asyncio"  # the standard library's loop: nothing more to install
timeout = 60
keepalive = 5  # seconds an idle connection stays open, also in a stopping worker
graceful_timeout = 30  # the longest a stopping worker waits for its requests to finish
# Each worker gets its own SO_REUSEPORT socket, but opened by the master (see above): gunicorn's
# own reuse_port would open it in the worker.
reuse_port = False
control_socket_disable = True  # no gunicornc socket in the home folder
accesslog = SERVER.access_log
#: Seconds a client may take to send a request's headers before it is answered 408 and closed.
HEADER_SECONDS = SERVER.header_timeout_s


def on_starting(server: Any) -> None:
    pin_release(server)
    if all(isinstance(address, tuple) for address in server.cfg.address) and not SERVER.sockets_handed_over:
        server.digigov_slots = {}
        server.digigov_handover = Path(tempfile.mkdtemp(prefix="digigov-gunicorn-"))
        server.LISTENERS = []
        for slot in range(server.num_workers):
            _open_slot(server, slot)


def on_reload(server: Any) -> None:
    pin_release(server)


def pre_fork(server: Any, worker: Any) -> None:
    """In the master: the slot with the fewest workers (a reload's new worker joins an old one's)."""
    slots = getattr(server, "digigov_slots", None)
    if slots is None:
        return
    load = Counter(getattr(w, "digigov_slot", None) for w in server.WORKERS.values())
    free = [slot for slot in range(max(server.num_workers, len(slots))) if load[slot] == 0]
    worker.digigov_slot = free[0] if free else min(slots, key=lambda slot: load[slot])
    if worker.digigov_slot not in slots:  # more workers than at start (SIGTTIN)
        _open_slot(server, worker.digigov_slot)
    spawned, _ = _handover_files(server, worker.digigov_slot)
    partial = spawned.with_name(f"{spawned.name}.{worker.age}")
    partial.write_text(str(worker.age))
    partial.replace(spawned)  # atomically: the slot's old worker accepts on until this one serves


def on_exit(server: Any) -> None:
    handover = getattr(server, "digigov_handover", None)
    if handover is not None:
        shutil.rmtree(handover, ignore_errors=True)


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker: its slot's socket, the pinned release, the header time limit."""
    worker.header_seconds = HEADER_SECONDS
    pinned = getattr(server, "digigov_release", None)
    if pinned is not None:  # the app factory, called next in this process, serves it; the master keeps the link
        from digigov_lod.config import from_environment
        from digigov_lod.web.asgi import hand_over

        hand_over(from_environment().with_overrides(release_dir=pinned))
    slots = getattr(server, "digigov_slots", None)
    if slots is not None:
        worker.handover = _handover_files(server, worker.digigov_slot)
        worker.sockets = slots[worker.digigov_slot]
        for slot, listeners in slots.items():
            if slot != worker.digigov_slot:
                for listener in listeners:
                    listener.close()  # this process's copy only; the master keeps the socket


#: Allocations between the young generation's collections (Python's default is 700). A page allocates tens
#: of thousands of objects; with the default, the rdflib graphs it builds are promoted to the old generation
#: while it runs and die there, so full collections came every few dozen pages and took 100-200 ms each,
#: the slowest 1 % of resource pages (bench/large_release.py). With this many, a page's objects die young.
YOUNG_COLLECTION_ALLOCATIONS = 50_000


def post_worker_init(worker: Any) -> None:
    """In the worker, once the app is loaded: what it holds from start-up is never collected again
    (``gc.freeze``), and young objects are collected less often (see YOUNG_COLLECTION_ALLOCATIONS)."""
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, middle, old)


def nworkers_changed(server: Any, new_value: int, old_value: int | None) -> None:
    """In the master, before SIGTTOU's stop: the slot of a worker that has no successor is closed first,
    so that new connections go to the other slots' sockets instead of waiting in one nobody will accept."""
    slots = getattr(server, "digigov_slots", None)
    if slots is None or old_value is None or new_value >= old_value:
        return
    by_age = sorted(server.WORKERS.values(), key=lambda w: w.age)
    leaving, staying = by_age[: max(0, len(by_age) - new_value)], by_age[len(by_age) - new_value :]
    for worker in leaving:
        slot = getattr(worker, "digigov_slot", None)
        if slot in slots and all(getattr(w, "digigov_slot", None) != slot for w in staying):
            for listener in slots.pop(slot):
                server.LISTENERS.remove(listener)
                listener.close()  # the master's copy; the socket closes when the stopping worker lets go of it


def _handover_files(server: Any, slot: int) -> tuple[Path, Path]:
    """Where the master notes the newest worker started for ``slot``, and that worker notes it serves."""
    return server.digigov_handover / f"slot-{slot}.started", server.digigov_handover / f"slot-{slot}.serving"


def _open_slot(server: Any, slot: int) -> None:
    """One SO_REUSEPORT socket per bound address for ``slot``, held by the master."""
    from gunicorn import sock

    server.cfg.set("reuse_port", hasattr(socket, "SO_REUSEPORT"))
    try:
        listeners = sock.create_sockets(server.cfg, server.log)
    finally:
        server.cfg.set("reuse_port", False)
    server.digigov_slots[slot] = listeners
    server.LISTENERS.extend(listeners)


def pin_release(server: Any) -> None:
    """Resolve the release link and open it; keep the last release that opened when this one does not."""
    from digigov_lod.config import from_environment
    from digigov_lod.release import Release

    link = from_environment().release_dir
    previous: Path | None = getattr(server, "digigov_release", None)
    try:
        release = Release.open(link)
    except Exception as exc:  # whatever it is, no worker may start on it
        if previous is None:
            server.log.error("The release at %s does not open: %s", link, exc)
            return  # at start: the workers fail with the same error and gunicorn stops
        server.log.error("Reload: the release at %s does not open (%s); still serving %s", link, exc, previous)
        return
    if release.path != previous:
        server.log.info("Serving release %s from %s", release.version, release.path)
    server.digigov_release = release.path
