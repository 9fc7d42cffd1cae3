"""What the scheduler itself knows about the centre's work: Slurm's accounting (sacct), read
for a period into GPU-hours per sector, organisation, user and job, and waits per sector.
Runs Slurm's commands through console/capacity/backends/slurm_runner.py (here or over SSH)."""
