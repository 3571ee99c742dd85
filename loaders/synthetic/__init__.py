"""Synthetic court exports with planted detector scenarios and their ground truth (truth.json).

``generate(out, parties, seed, as_of, exports=3, encoding="utf-8", messy=False) -> Truth`` writes
K exports of the court export format under ``out`` (one directory per court) and
``out/truth.json``: the alerts every detector must raise, the planted scenarios, the
decoys that must not alert and, with ``messy``, the bad rows loaders must reject.
"""

from loaders.synthetic.generator import Truth, generate

__all__ = ["Truth", "generate"]
