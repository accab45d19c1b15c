"""Accounts and the audit log of a server-mode (group) deployment, in the index's database.

Every app process and every machine of the deployment shares them (`index.pg_accounts` holds
the tables). There is no file to go missing, and a deployment whose database has no account
refuses to start rather than fall back to the local single-user mode (unless
`READMIT_SIGN_IN=optional`).
"""

from __future__ import annotations

from typing import Any

from index.pg_accounts import PgAccountTables
from readmit.access.audit import AuditEntry, AuditLog
from readmit.access.users import AccountStore


class ServerAccountStore(AccountStore):
    def __init__(self, tables: PgAccountTables, *, required: bool = True) -> None:
        self.tables = tables
        self.required = required

    @property
    def location(self) -> str:
        return f"the accounts table of {self.tables.location}"

    def _load(self) -> dict[str, dict[str, Any]]:
        return self.tables.accounts()

    def _put(self, name: str, entry: dict[str, Any]) -> None:
        self.tables.put_account(name, entry)

    def _delete(self, name: str) -> bool:
        return self.tables.delete_account(name)


class ServerAuditLog(AuditLog):
    """The `audit_log` table: append-only, newest first, like the file."""

    def __init__(self, tables: PgAccountTables) -> None:  # no file: no super().__init__
        self.tables = tables

    def _append(self, entry: AuditEntry) -> None:
        self.tables.append_audit(
            (entry.at, entry.user, entry.role, entry.action, entry.target, entry.detail)
        )

    def entries(
        self, *, user: str | None = None, action: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        rows = self.tables.audit_rows(user=user, action_prefix=action, limit=limit)
        return [
            AuditEntry(at=at, user=who, role=role, action=act, target=target, detail=detail)
            for at, who, role, act, target, detail in rows
        ]
