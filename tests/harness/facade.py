"""The application facade over test folders (what `open_readmit` gives the CLI and the app)."""

from __future__ import annotations

from pathlib import Path

from readmit.facade import LOCAL_MAINTAINER, Principal, Readmit, Services, open_readmit
from readmit.service import KnowledgeBase
from readmit.settings import Location, load_settings


def services_for(
    *,
    index_dir: Location,
    drafts_dir: Location,
    corpus_dir: Path | None = None,
    kb: KnowledgeBase | None = None,
) -> Services:
    """The services over these folders (an index already open may be passed in as `kb`)."""
    settings = load_settings(index_dir=index_dir, drafts_dir=drafts_dir, corpus_dir=corpus_dir)
    return Services(settings, kb=kb)


def local_readmit(
    *,
    index_dir: Location,
    drafts_dir: Location,
    corpus_dir: Path | None = None,
    principal: Principal = LOCAL_MAINTAINER,
) -> Readmit:
    """The facade over these folders as `principal` (default: the local maintainer)."""
    services = services_for(index_dir=index_dir, drafts_dir=drafts_dir, corpus_dir=corpus_dir)
    return open_readmit(services.settings, principal, services=services)
