"""What a crashed run leaves behind (its users, homes and folder) is swept by the next run."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from tests.hub import linux_users, realhub
from tests.hub.conftest import long_suite_enabled

pytestmark = [
    pytest.mark.long,
    pytest.mark.skipif(not long_suite_enabled(), reason="long suite: runs with CI=true"),
]


def test_leftovers_of_a_dead_run_are_swept_and_a_live_run_is_left_alone():
    if os.geteuid() != 0:
        pytest.fail("this test creates Linux users: run it as root (CI does)")
    # A pid above the kernel's maximum: no process can have it, so that run is dead.
    dead_pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    run_id = os.urandom(3).hex()
    folder = linux_users.RUNS / run_id
    folder.mkdir(parents=True)
    (folder / "pid").write_text(str(dead_pid))
    user = f"{linux_users.PREFIX}{run_id}-s1"
    home = linux_users.create(user).pw_dir
    live_id, live_folder = linux_users.new_run()  # this process: alive
    live_user = f"{linux_users.PREFIX}{live_id}-s1"
    linux_users.create(live_user)
    try:
        swept = realhub.sweep()
        assert user in swept and live_user not in swept
        with pytest.raises(KeyError):
            pwd.getpwnam(user)
        assert not os.path.exists(home) and not folder.exists()
        assert pwd.getpwnam(live_user) and live_folder.exists()
    finally:
        linux_users.remove(live_user)
        linux_users.remove(user)
        subprocess.run(["rm", "-rf", str(live_folder), str(folder)], check=True)
