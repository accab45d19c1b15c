"""Clause intelligence (`readmit.clauses`) and search evaluation over the principal's documents."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from readmit.access import Action
from readmit.clauses.accepted_documents import AcceptedDocumentList, accepted_documents
from readmit.clauses.gaps import Gap, gap_check
from readmit.clauses.matrix import PrecedentMatrix, SlotGroup, precedent_matrix, slot_articles
from readmit.clauses.scope import ClauseScope
from readmit.clauses.time_limit_filter import filter_time_limits
from readmit.clauses.time_limits import time_limit_table
from readmit.evaluation.search import EvalSummary, evaluate, load_queries
from readmit.facade.door import door
from readmit.facade.reading import Reading


class ClauseViews(Reading):
    """The precedent matrix, one clause type across agreements, time limits, accepted
    documents, a draft's gaps, and search quality on a query set."""

    @door(Action.SEARCH)
    def clause_matrix(
        self, *, scope: ClauseScope | None = None, all_documents: bool = False
    ) -> PrecedentMatrix:
        """Agreements × clause types; cells list the articles."""
        return precedent_matrix(self._kb, all_documents=all_documents, scope=scope)

    @door(Action.SEARCH)
    def clause_articles(
        self, slot: str, *, scope: ClauseScope | None = None, all_documents: bool = False
    ) -> list[SlotGroup]:
        """Every article of one clause type, grouped by agreement (UnknownSlotError if none)."""
        return slot_articles(self._kb, slot, all_documents=all_documents, scope=scope)

    @door(Action.SEARCH)
    def time_limits(
        self,
        *,
        scope: ClauseScope | None = None,
        all_documents: bool = False,
        purposes: Sequence[str] = (),
        min_days: float | None = None,
        max_days: float | None = None,
    ) -> list[dict[str, str]]:
        """Every time limit of every article (rows as in the CSV), filtered by purpose and by
        length in approximate calendar days."""
        rows = time_limit_table(self._kb, all_documents=all_documents, scope=scope)
        if not purposes and min_days is None and max_days is None:
            return rows
        return filter_time_limits(rows, purposes=purposes, min_days=min_days, max_days=max_days)

    @door(Action.SEARCH)
    def accepted_documents(self) -> list[AcceptedDocumentList]:
        """The lists of documents accepted as proof or evidence of nationality and grounds."""
        return accepted_documents(self._kb)

    @door(Action.SEARCH, drafts=("draft_id",))
    def draft_gaps(self, draft_id: str) -> list[Gap]:
        """The standard clause types the draft lacks, with the commonest precedent wordings."""
        return gap_check(self._kb, self._drafting.get(draft_id))

    @door(Action.SEARCH)
    def evaluate(self, queries_file: Path, *, k: int = 10, split: str | None = None) -> EvalSummary:
        """Search quality on a graded query set (nDCG, precision, recall, MRR)."""
        queries = load_queries(queries_file, split=split)
        return evaluate(queries, lambda text, count: self._kb.search(text, k=count), k=k)
