"""Quota mode: a sector's capacity is a QOS limit (GrpTRES=gres/gpu=N) over one shared partition,
changed live without draining anything (the other mode moves whole nodes between partitions)."""
