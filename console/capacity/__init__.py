"""Capacity across the three sectors: who owns which node, plans that move nodes, their audit.

model.py (entities), validation.py (rules), planner.py (plans from targets, recommendations),
apply.py (drain-first transaction), audit.py (hash-chained log), service.py (the one entry point,
with the role check), backends/ (where the allocation really lives: local SQLite or Slurm).
"""
