"""The `readmit` group: its options, who a command runs as, and the facade it calls."""

from __future__ import annotations

from dataclasses import replace

import click

from readmit.cli.output import err, markup
from readmit.facade import (
    LOCAL_MAINTAINER,
    AccessDeniedError,
    DocumentNotFoundError,
    DraftStoreError,
    IndexLayerError,
    Principal,
    QuerySetError,
    Readmit,
    ReviewError,
    RulesFileError,
    Services,
    UserStoreError,
    open_readmit,
    open_services,
)
from readmit.settings import (
    DRAFTS_ENV,
    INDEX_ENV,
    MODEL_ENV,
    USER_ENV,
    Settings,
    as_location,
    load_settings,
)

# `--drafts` of the commands that read drafts: overrides the drafts location for one run.
DRAFTS_OPTION = click.option(
    "--drafts",
    "drafts_dir",
    type=str,
    default=None,
    help=f"Drafts folder or postgresql:// URL (env {DRAFTS_ENV}; default .readmit/drafts).",
)


class ReadmitGroup(click.Group):
    """Turns the library's deliberate errors into a message and exit code 2, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (
            IndexLayerError,
            RulesFileError,
            AccessDeniedError,
            UserStoreError,
            DraftStoreError,
            DocumentNotFoundError,
            ReviewError,
            QuerySetError,
        ) as error:
            err.print(f"error: {markup(error)}", highlight=False)
            ctx.exit(2)


@click.group(cls=ReadmitGroup)
@click.option(
    "--index",
    "index_dir",
    type=str,
    envvar=INDEX_ENV,
    default=None,
    help=f"Index folder or postgresql:// URL (env {INDEX_ENV}; default .readmit/index).",
)
@click.option(
    "--model",
    type=click.Choice(["e5", "minilm"]),
    envvar=MODEL_ENV,
    default=None,
    help=f"Embedding model (env {MODEL_ENV}; default: the index's own, else e5).",
)
@click.option(
    "--user",
    envvar=USER_ENV,
    default=None,
    help=f"Run as this user of the users store: their documents, drafts and role (env "
    f"{USER_ENV}). Needed once accounts exist; without any, you are the local maintainer.",
)
@click.pass_context
def main(ctx: click.Context, index_dir: str | None, model: str | None, user: str | None) -> None:
    """Readmit: search and draft readmission agreements."""
    # Without --model, an existing index is searched with the model that built it.
    ctx.ensure_object(dict)["settings"] = load_settings(
        index_dir=as_location(index_dir) if index_dir else None, model=model
    )
    ctx.obj["user"] = user


def settings_of(ctx: click.Context, *, drafts_dir: str | None = None) -> Settings:
    """The run's settings (flags of the group, then the environment); `--drafts` of a command
    overrides the drafts location (a folder or a postgresql:// URL)."""
    settings: Settings = ctx.find_root().ensure_object(dict)["settings"]
    if drafts_dir is None:
        return settings
    return replace(settings, drafts_dir=as_location(drafts_dir))


def readmit(ctx: click.Context, *, drafts_dir: str | None = None) -> Readmit:
    """The facade as the command's user sees it (documents, drafts, role)."""
    obj = ctx.find_root().ensure_object(dict)
    key = ("readmit", drafts_dir)
    if key not in obj:
        services = open_services(settings_of(ctx, drafts_dir=drafts_dir))
        obj[key] = open_readmit(services.settings, principal_of(ctx, services), services=services)
    found: Readmit = obj[key]
    return found


def principal_of(ctx: click.Context, services: Services) -> Principal:
    """Who the command runs as: `--user`/READMIT_USER from the users store.

    Without accounts in the users store (no sign-in configured) the local user is a maintainer
    who sees every document. With accounts, every command needs `--user`.
    """
    name: str | None = ctx.find_root().ensure_object(dict).get("user")
    users = services.users
    if users.is_empty():
        if name:
            raise click.UsageError(
                f"--user {name}: no users are configured ({users.location} has no accounts)"
            )
        return LOCAL_MAINTAINER
    if not name:
        raise click.UsageError(
            f"sign-in is configured ({users.location}): give --user NAME or set {USER_ENV}"
        )
    account = users.get(name)
    if account is None:
        raise click.UsageError(f"--user {name}: no such user in {users.location}")
    return account.principal
