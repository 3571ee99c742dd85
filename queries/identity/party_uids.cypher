// Every party's uid (the baseline scan of bench/bench_identity.py).
MATCH (p:Party)
RETURN p.uid AS uid
