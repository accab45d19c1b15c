"""The `readmit` command for maintainers: thin click commands over the application facade
(`readmit.facade`), one module per topic. Each command parses its options, calls the facade
and formats what it returns; none builds a store, a searcher or a draft service.

Command groups are registered here, in one place: a new topic module adds its commands to
`TOPICS` (or one `main.add_command(...)` line below).
"""

from readmit.cli import accounts, clauses, copies, drafts, indexing, review, searching
from readmit.cli.root import main

TOPICS = (indexing, searching, clauses, drafts, review, accounts, copies)

for topic in TOPICS:
    for command in topic.COMMANDS:
        main.add_command(command)

__all__ = ["main"]
