"""A web worker's garbage collection: start-up objects frozen, young objects collected in large batches.

The figures it is for (pauses of 100-200 ms every few dozen pages with Python's defaults) are measured by
``bench/large_release.py``; here, that the hook gunicorn calls in each worker sets the policy, in a
subprocess so that the test process keeps its own.
"""

from __future__ import annotations

import subprocess
import sys

from digigov_lod.web.gunicorn_conf import YOUNG_COLLECTION_ALLOCATIONS


def test_a_worker_freezes_its_start_up_objects_and_collects_young_ones_in_large_batches() -> None:
    script = (
        "import gc\n"
        "from digigov_lod.web import gunicorn_conf\n"
        "gc.collect()\n"
        "gunicorn_conf.post_worker_init(None)\n"
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 1000)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(YOUNG_COLLECTION_ALLOCATIONS), "True"]
    assert YOUNG_COLLECTION_ALLOCATIONS > 700  # Python's default, whose pauses the hook is there to avoid
