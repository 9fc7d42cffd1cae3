"""Everything a command prints on the controller comes back over SSH: the runner reads to the
end of the output, as `ssh host cmd` does, not only to the exit status (sshd may send that first,
with output still on its way: once seen as a node missing from `scontrol show node`)."""

from __future__ import annotations

from console.capacity.backends.slurm_setup import SlurmOptions, slurm_runner


def test_long_output_and_output_after_the_command_exits_arrive_whole(sshd_testbed_factory,
                                                                     tmp_path):
    ssh = sshd_testbed_factory(nodes=1)
    address = ssh.addresses[0]
    known = ssh.write_known_hosts(tmp_path / "known_hosts", [address])
    runner = slurm_runner(SlurmOptions(controller=f"root@{address}:{ssh.port}",
                                       identity_file=str(ssh.client_key_path)), known)
    try:
        expected = "".join(f"{i}\n" for i in range(1, 100001))
        for _ in range(3):
            assert runner.run(["seq", "1", "100000"]) == expected
        # the shell exits while a child it left behind still writes to the same stdout
        assert runner.run(["sh", "-c", "(sleep 0.3; echo late) & echo early"]) == "early\nlate\n"
    finally:
        runner.close()
