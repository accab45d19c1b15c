"""The index layer: embeddings, FAISS, BM25 and SQLite behind `Collection` and `HybridSearcher`."""

import os

# FAISS and the E5 engine parallelise with OpenMP, whose threads by default spin at every
# barrier. On a machine shared with other work a descheduled spinner stalls everyone: a query
# embedding took 6 s instead of 60 ms and a 1,251-vector FAISS scan 36 ms instead of 0.2 ms
# (docs/performance.md). Waiting passively costs microseconds when the machine is idle. The
# runtimes read this once, when FAISS or the engine is loaded, hence here; a value set by the
# user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
