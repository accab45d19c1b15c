"""Who may do what: signed-in principals, roles, the users store and the audit log.

Roles, drafts and documents are checked at one place, the door of the application facade
(`readmit.facade.door`): every public use case declares what it needs and is refused before it
runs. Below it, retrieval and draft views are narrowed to the principal (`index.storage.visibility`,
`readmit.access.drafts`), so the top 10 results are 10 the user may see.
"""

from readmit.access.audit import AuditEntry, AuditLog
from readmit.access.principal import (
    LOCAL_MAINTAINER,
    AccessDeniedError,
    Action,
    Principal,
    Role,
    authorise,
)
from readmit.access.users import UserStore, UserStoreError

__all__ = [
    "LOCAL_MAINTAINER",
    "AccessDeniedError",
    "Action",
    "AuditEntry",
    "AuditLog",
    "Principal",
    "Role",
    "UserStore",
    "UserStoreError",
    "authorise",
]
