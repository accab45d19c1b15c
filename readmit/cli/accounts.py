"""`readmit users …` and `readmit audit`: accounts of a group deployment and who changed what.

Anyone may set up the first account (they can write the users file anyway: without accounts
the local user is a maintainer); once accounts exist, `--user` must name a maintainer.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from readmit.cli.output import echo, err, json_line, markup
from readmit.cli.root import readmit


@click.group("users")
def users_group() -> None:
    """Accounts of a group deployment (READMIT_USERS, or the index database in server mode)."""


@users_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["reader", "drafter", "maintainer"]),
    required=True,
    help="reader: search, read, export; drafter: also drafts; maintainer: also the corpus.",
)
@click.option("--group", "groups", multiple=True, help="A group the user belongs to (repeatable).")
@click.option(
    "--password/--no-password",
    "set_password",
    default=True,
    help="Ask for a password (default), or none: the user signs in through the identity "
    "provider (NAME is then their e-mail address).",
)
@click.pass_context
def users_add(
    ctx: click.Context, name: str, role: str, groups: tuple[str, ...], set_password: bool
) -> None:
    """Add a user (or change an existing one's role, groups and password)."""
    app = readmit(ctx)
    app.check_new_user(name, groups)  # before asking for a password that would then be refused
    password = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if set_password
        else None
    )
    account, existed = app.add_user(name, role=role, groups=groups, password=password)
    click.echo(f"{'updated' if existed else 'added'} {name} ({account.role.value})")


@users_group.command("remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove a user."""
    if not readmit(ctx).remove_user(name):
        err.print(f"no such user: {markup(name)}", highlight=False)
        sys.exit(1)
    click.echo(f"removed {name}")


@users_group.command("import")
@click.argument("users_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def users_import(ctx: click.Context, users_file: Path) -> None:
    """Copy the accounts of a users file (password hashes as they are) into this deployment's
    accounts, e.g. into the database when moving to server mode; existing names are kept."""
    copied = readmit(ctx).import_users(users_file)
    click.echo(f"imported {len(copied)} account(s)")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every user with role, groups and whether they have a password (never the hash)."""
    accounts = readmit(ctx).users()
    if as_json:
        payload = [
            {
                "name": a.name,
                "role": a.role.value,
                "groups": list(a.groups),
                "password": a.has_password,
            }
            for a in accounts
        ]
        click.echo(json_line(payload))
        return
    for a in accounts:
        sign_in = "password" if a.has_password else "identity provider"
        click.echo(f"{a.name:32} {a.role.value:10} {','.join(a.groups) or '-':20} {sign_in}")


@click.command("audit")
@click.option("--who", default=None, help="Only this user's changes.")
@click.option("--action", default=None, help="Only actions starting with this, e.g. draft.")
@click.option("-n", "limit", default=50, show_default=True, type=click.IntRange(1, None))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def audit_command(
    ctx: click.Context, who: str | None, action: str | None, limit: int, as_json: bool
) -> None:
    """Who changed what and when (drafts, uploads, removals, re-indexes, users); newest first."""
    for entry in readmit(ctx).audit_entries(user=who, action=action, limit=limit):
        if as_json:
            click.echo(json_line(dataclasses.asdict(entry)))
        else:
            echo(entry.describe())  # targets and details may come from file names


COMMANDS = (users_group, audit_command)
