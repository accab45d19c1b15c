"""Clause intelligence (`readmit.clauses`) and search evaluation over the principal's documents."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from readmit.access import Action
from readmit.clauses.accepted_documents import AcceptedDocumentList, accepted_documents
from readmit.clauses.gaps import Gap, PrecedentWordings, gap_check
from readmit.clauses.matrix import PrecedentMatrix, SlotGroup, precedent_matrix, slot_articles
from readmit.clauses.scope import ClauseScope, default_instrument_types
from readmit.clauses.time_limit_filter import filter_time_limits
from readmit.clauses.time_limits import time_limit_table
from readmit.evaluation.search import EvalSummary, evaluate, load_queries
from readmit.facade.door import door
from readmit.facade.reading import Reading

# The clause type the Clauses page's "By clause type" tab opens with.
DEFAULT_CLAUSE_TYPE = "time-limit-reply"


class ClauseViews(Reading):
    """The precedent matrix, one clause type across agreements, time limits, accepted
    documents, a draft's gaps, and search quality on a query set.

    Each view reads every article of its scope (seconds at corpus size) and changes only with
    the index: it is computed once per index generation and view of the index (`Core._view`)
    and then served to every click of every principal who sees the same documents."""

    @door(Action.SEARCH)
    def warm_up(self) -> None:
        """Load the model and build the lexical index now, so the first search is not slow;
        then, in the background, compute what the Clauses page opens with and the precedent
        wordings of the gap check, so the first click on either is not slow either."""
        super().warm_up()
        if self._kb.status().chunks:
            threading.Thread(target=self._prepare_views, name="readmit-views", daemon=True).start()

    def _prepare_views(self) -> None:
        scope = ClauseScope(instrument_types=default_instrument_types(self._kb.documents()))
        try:
            self.clause_matrix(scope=scope)
            self.clause_articles(DEFAULT_CLAUSE_TYPE, scope=scope)
            self.time_limits(scope=scope)
            wordings = self._view("precedent_wordings", (), lambda: PrecedentWordings(self._kb))
            wordings.gaps(covered=set(), language=None)  # also builds the keyword rules
        except Exception:  # noqa: BLE001 - only a head start: the page computes what failed here
            return

    @door(Action.SEARCH)
    def clause_matrix(
        self, *, scope: ClauseScope | None = None, all_documents: bool = False
    ) -> PrecedentMatrix:
        """Agreements × clause types; cells list the articles."""
        return self._view(
            "clause_matrix",
            (scope, all_documents),
            lambda: precedent_matrix(self._kb, all_documents=all_documents, scope=scope),
        )

    @door(Action.SEARCH)
    def clause_articles(
        self, slot: str, *, scope: ClauseScope | None = None, all_documents: bool = False
    ) -> list[SlotGroup]:
        """Every article of one clause type, grouped by agreement (UnknownSlotError if none)."""
        return list(
            self._view(
                "clause_articles",
                (slot, scope, all_documents),
                lambda: tuple(
                    slot_articles(self._kb, slot, all_documents=all_documents, scope=scope)
                ),
            )
        )

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
        table = self._view(
            "time_limits",
            (scope, all_documents),
            lambda: time_limit_table(self._kb, all_documents=all_documents, scope=scope),
        )
        rows = [dict(row) for row in table]  # the caller's to change; the kept table is not
        if not purposes and min_days is None and max_days is None:
            return rows
        return filter_time_limits(rows, purposes=purposes, min_days=min_days, max_days=max_days)

    @door(Action.SEARCH)
    def accepted_documents(self) -> list[AcceptedDocumentList]:
        """The lists of documents accepted as proof or evidence of nationality and grounds."""
        return accepted_documents(self._kb)

    @door(Action.SEARCH, drafts=("draft_id",))
    def draft_gaps(self, draft_id: str) -> list[Gap]:
        """The standard clause types the draft lacks, with the commonest precedent wordings.
        The precedents' wordings are grouped once per index generation and view; the check
        itself once per draft revision."""
        draft = self._drafting.get(draft_id)
        wordings = self._view("precedent_wordings", (), lambda: PrecedentWordings(self._kb))
        return list(
            self._view(
                "draft_gaps",
                (draft.draft_id, draft.revision, draft.updated_at),
                lambda: tuple(gap_check(self._kb, draft, wordings=wordings)),
            )
        )

    @door(Action.SEARCH)
    def evaluate(self, queries_file: Path, *, k: int = 10, split: str | None = None) -> EvalSummary:
        """Search quality on a graded query set (nDCG, precision, recall, MRR)."""
        queries = load_queries(queries_file, split=split)
        return evaluate(queries, lambda text, count: self._kb.search(text, k=count), k=k)
