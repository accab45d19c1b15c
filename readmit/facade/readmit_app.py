"""`Readmit`: the one door of the application, and how to open it."""

from __future__ import annotations

from readmit.access import Principal
from readmit.facade.core import Services, open_services
from readmit.facade.door import door
from readmit.facade.reviewing import Reviewing
from readmit.settings import Settings


class Readmit(Reviewing):
    """Everything the CLI and the app do, as one principal may do it.

    Each public method declares what it needs (`readmit.facade.door`) and the door checks the
    principal before it runs; what it returns is already narrowed to the principal's documents,
    drafts and clauses. Open one with `open_readmit`; a Readmit cannot turn into another
    principal's (the app opens one per signed-in user over shared `Services`).
    """

    @property
    @door(None)
    def principal(self) -> Principal:
        return self._principal


def open_readmit(
    settings: Settings, principal: Principal, *, services: Services | None = None
) -> Readmit:
    """The application over `settings` as `principal` sees it; `services` (from
    `open_services(settings)`) shares one process's index, model and drafts between users."""
    return Readmit(services or open_services(settings), principal)
