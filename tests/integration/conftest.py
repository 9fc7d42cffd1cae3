"""Fixtures for tests against a real sshd (see sshd_testbed.py for what the nodes look like).

    def test_x(sshd_testbed):                       # started, 4 nodes, 8 simulated GPUs each
        host = sshd_testbed.addresses[0]

    def test_y(sshd_testbed_factory, relay_factory):
        tb = sshd_testbed_factory(nodes=2, faults={"127.1.9.1": "garbage"})
        relay = relay_factory("127.2.0.1", tb.addresses[0], tb.port)

Every testbed and relay made here is stopped at teardown, whether the test passed or not.
sshd starts in ~30 ms, so each test gets its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.relay import BlackholeRelay
from tests.integration.sshd_testbed import SSHD, SshdTestbed
from tests.peers import require_peer


def _require_sshd() -> None:
    if not SSHD.exists():
        require_peer(
            "sshd", f"{SSHD} not found: install openssh-server (packaging/debian-packages.sh test)"
        )
    if os.geteuid() != 0:
        require_peer(
            "sshd", "the sshd testbed logs in as root (AllowUsers root@127.0.0.0/8): run as root"
        )


@pytest.fixture
def sshd_testbed_factory(tmp_path: Path) -> Iterator[Callable[..., SshdTestbed]]:
    """factory(nodes=0, *, sim_spec="8", node_sim=None, faults=None, env=None) -> started
    SshdTestbed."""
    _require_sshd()
    made: list[SshdTestbed] = []

    def factory(nodes: int = 0, **kwargs: object) -> SshdTestbed:
        testbed = SshdTestbed(tmp_path, nodes, **kwargs)
        made.append(testbed)
        return testbed.start()

    yield factory
    errors: list[BaseException] = []
    for testbed in made:
        try:
            testbed.stop()
        except BaseException as exc:  # still kill the rest, then report
            errors.append(exc)
            testbed.kill()
    leftovers = {tb.port: tb.pids() for tb in made if tb.pids()}
    assert not errors and not leftovers, f"testbed teardown: {errors} {leftovers}"


@pytest.fixture
def sshd_testbed(sshd_testbed_factory: Callable[..., SshdTestbed]) -> SshdTestbed:
    """A started testbed with 4 healthy nodes (`.addresses`), HANGANG_NVML_SIM=8."""
    return sshd_testbed_factory(nodes=4)


@pytest.fixture
def relay_factory() -> Iterator[Callable[..., BlackholeRelay]]:
    """factory(listen_addr, target_addr, target_port) -> BlackholeRelay, closed at teardown."""
    made: list[BlackholeRelay] = []

    def factory(listen_addr: str, target_addr: str, target_port: int) -> BlackholeRelay:
        relay = BlackholeRelay(listen_addr, target_addr, target_port)
        made.append(relay)
        return relay

    yield factory
    for relay in made:
        relay.close()


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory: pytest.TempPathFactory):
    """One throwaway Slurm cluster per test module (slurm_testbed.py): 8 nodes × gpu:8,
    partitions public n[01-03], interest n[04-06], private n[07-08]. Stopped at the end, with
    every job cancelled first and no process of it left."""
    from tests.integration.slurm_testbed import SlurmTestbed, slurm_installed

    if not slurm_installed():
        require_peer(
            "slurmctld",
            "slurmctld/slurmd/slurm-client not installed (packaging/debian-packages.sh test)",
        )
    if os.geteuid() != 0:
        require_peer("slurmctld", "the Slurm testbed runs its daemons as root")
    testbed = SlurmTestbed(tmp_path_factory.mktemp("slurm")).start()
    yield testbed
    testbed.stop()
    assert not testbed.leftovers()


@pytest.fixture
def slurm(slurm_cluster):
    """The module's cluster, back to its first layout with no jobs and no drains."""
    slurm_cluster.reset()
    yield slurm_cluster
    slurm_cluster.cancel_all()


@pytest.fixture(scope="session")
def slurm24_root() -> Path | None:
    """The Debian 13 root with Slurm 24.11 (slurm24.py), built once per machine into its cache
    dir and once per session checked; None where this machine's own Slurm is the newer one."""
    from tests.integration import slurm24

    native = slurm24.native_version()
    if native is not None and native[:2] >= slurm24.NEWER_SINCE:
        return None
    try:
        root, seconds = slurm24.trixie_root()
    except slurm24.RootUnavailable as exc:
        require_peer("slurm 24.11", str(exc))
    _TIMES.append(f"Debian 13 root {root}: " + (f"built in {seconds:.0f} s" if seconds
                                                 else "reused from the cache"))
    return root


_TIMES: list[str] = []  # what the 24.11 testbed cost, said at the end of the run


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _TIMES:
        terminalreporter.write_line(f"slurm24: {line}")


def slurm_testbed(request: pytest.FixtureRequest, cls: type, tmp: Path):
    """For a module fixture: yields a started `cls` (AccountingTestbed or a subclass), on this
    machine's Slurm, or on 24.11 (slurm24.py) when the fixture is parametrised "24.11"
    (`pytestmark = both_versions("fixture")`); stops it after, no process left. A peer that is
    missing or does not start skips with the reason, and fails under CI=true.

        @pytest.fixture(scope="module")
        def quota_bed(request, tmp_path_factory):
            yield from slurm_testbed(request, QuotaTestbed, tmp_path_factory.mktemp("quota"))
    """
    yield from _testbed(request, cls, tmp, getattr(request, "param", "native") == "24.11")


def _testbed(request: pytest.FixtureRequest, cls: type, tmp: Path, newer: bool):
    import time

    from tests.integration import slurm24
    from tests.integration.slurm_accounting import AccountingTestbed, accounting_installed
    from tests.integration.slurm_testbed import slurm_installed

    books = issubclass(cls, AccountingTestbed)  # else a plain cluster: no MariaDB, no slurmdbd
    peer = "slurmdbd" if books else "slurmctld"
    if os.geteuid() != 0:
        require_peer(peer, "the Slurm testbeds run their daemons (and MariaDB) as root")
    if newer:
        root = request.getfixturevalue("slurm24_root")
        testbed = slurm24.on_newer_slurm(cls)(tmp, root=root)
    else:
        missing = accounting_installed() if books else (
            None if slurm_installed() else "slurmctld/slurmd/slurm-client")
        if missing:
            require_peer(peer, f"{missing} not installed (packaging/debian-packages.sh test)")
        testbed = cls(tmp)
    started = time.monotonic()
    try:
        testbed.start()
    except (slurm24.RootUnavailable, TimeoutError, RuntimeError) as exc:
        if not newer:
            raise
        require_peer("slurm 24.11", f"{type(exc).__name__}: {exc}")
    if newer:
        _TIMES.append(f"Slurm {testbed.version_text} {cls.__name__} for {tmp.name} up in "
                      f"{time.monotonic() - started:.1f} s")
    yield testbed
    testbed.stop()
    assert not testbed.leftovers()


@pytest.fixture(scope="module")
def slurm_books(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One Slurm cluster with accounting per test module (slurm_accounting.py): the testbed's
    8 nodes and partitions, a MariaDB and slurmdbd of its own, sector and organisation
    accounts, partition QOS. Stopped at the end like slurm_cluster.

    This machine's Slurm (Debian 12: 22.05) unless a module asks for both versions with
    `pytestmark = BOTH_VERSIONS` (slurm24.py): then once natively and once on 24.11 over SSH.
    Tests reach it through `testbed.console_runner()` and `testbed.slurm_table()`, never
    LocalRunner(testbed.env), so they run unchanged on either."""
    from tests.integration.slurm_accounting import AccountingTestbed

    yield from slurm_testbed(request, AccountingTestbed, tmp_path_factory.mktemp("books"))


@pytest.fixture(scope="module")
def slurm24_books(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """slurm_books on Slurm 24.11 only (a module that needs no 22.05 run)."""
    from tests.integration.slurm_accounting import AccountingTestbed

    yield from _testbed(request, AccountingTestbed, tmp_path_factory.mktemp("books24"), True)


@pytest.fixture
def books(slurm_books):
    """The module's cluster with accounting, back to its first layout, no jobs, no drains."""
    slurm_books.reset()
    yield slurm_books
    slurm_books.cancel_all()


@pytest.fixture(scope="session")
def slurm_jobs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """slurm_cluster (no accounting: any --account is taken) made with slurm_testbed, one per
    version for the session (test_slurm_idle_jobs.py and test_slurm_holders_feed.py share it,
    each test through `jobs_bed`): `pytestmark = both_versions("slurm_jobs", scope="session")`."""
    from tests.integration.slurm_testbed import SlurmTestbed

    yield from slurm_testbed(request, SlurmTestbed, tmp_path_factory.mktemp("jobs"))


@pytest.fixture
def jobs_bed(slurm_jobs):
    """The module's plain cluster, back to its first layout with no jobs and no drains."""
    slurm_jobs.reset()
    yield slurm_jobs
    slurm_jobs.cancel_all()


@pytest.fixture(scope="session")
def quota_bed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The quota testbed (slurm_quota.py), one per version for the whole session: the quota
    modules (test_quota_slurm.py, test_quota_board_slurm.py) share it, each test through
    `bed` (reset: no jobs, the first caps). `pytestmark = both_versions("quota_bed",
    scope="session")` groups their tests by version, so one testbed runs at a time."""
    from tests.integration.slurm_quota import QuotaTestbed

    yield from slurm_testbed(request, QuotaTestbed, tmp_path_factory.mktemp("quota"))


@pytest.fixture
def bed(quota_bed):
    quota_bed.reset()
    yield quota_bed
    quota_bed.cancel_all()
