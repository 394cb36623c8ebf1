"""How pytest-xdist shares the suite among workers: whole modules, the longest first.

A module is the unit because most modules start a server or a browser in a module-scoped fixture: split
over two workers, a module would start it twice. Longest first because the run lasts at least as long
as its longest module, so that one must not be started last. How long each module took is remembered
in pytest's cache after every run; a module not seen before counts one second a test.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling
from xdist.workermanage import WorkerController

#: Where the seconds each module took are kept in pytest's cache (``.pytest_cache``).
CACHE_KEY = "digigov/module-seconds"
_UNKNOWN_SECONDS_PER_TEST = 1.0


def module_of(nodeid: str) -> str:
    """``tests/test_x.py`` for ``tests/test_x.py::test_y[a::b]`` (a parameter id may itself hold ``::``)."""
    return nodeid.split("::", 1)[0]


def cache_of(config: pytest.Config) -> pytest.Cache | None:
    """pytest's cache, or None when the run turned it off (``-p no:cacheprovider``)."""
    return getattr(config, "cache", None)


class ModuleSeconds:
    """Adds up, on the process that reports (the xdist controller, or a run without xdist), each module's time."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.seconds: dict[str, float] = defaultdict(float)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        cache = cache_of(self.config)
        if cache is None or not self.seconds:
            return
        known: dict[str, float] = cache.get(CACHE_KEY, {})
        cache.set(CACHE_KEY, {**known, **{name: round(s, 2) for name, s in self.seconds.items()}})


def expected_seconds(config: pytest.Config) -> dict[str, float]:
    """What each module took in the runs before, by module path (empty without pytest's cache)."""
    cache = cache_of(config)
    return cache.get(CACHE_KEY, {}) if cache is not None else {}


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # an xdist worker's reports also reach the controller
        config.pluginmanager.register(ModuleSeconds(config), "digigov-module-seconds")


class LongestModuleFirst(LoadScopeScheduling):
    """xdist's scope scheduling with the module as the scope, handing out the longest module left first."""

    def __init__(self, config: pytest.Config, log: Producer, expected: dict[str, float]) -> None:
        super().__init__(config, log)
        self.expected = expected

    def _split_scope(self, nodeid: str) -> str:
        return module_of(nodeid)

    def _seconds(self, module: str) -> float:
        known = self.expected.get(module)
        return known if known is not None else _UNKNOWN_SECONDS_PER_TEST * len(self.workqueue[module])

    def _assign_work_unit(self, node: WorkerController) -> None:
        longest = max(self.workqueue, key=self._seconds)
        self.workqueue.move_to_end(longest, last=False)  # the base class hands out the first unit
        super()._assign_work_unit(node)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LongestModuleFirst | None:
    """With ``--dist loadscope``: whole modules, the longest first (see the module text)."""
    if config.getvalue("dist") != "loadscope":
        return None
    return LongestModuleFirst(config, log, expected_seconds(config))
