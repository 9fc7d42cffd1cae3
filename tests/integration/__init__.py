"""Integration tests: a real sshd on loopback (sshd_testbed.py), a TCP relay that can partition."""
