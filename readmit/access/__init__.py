"""Who may do what: signed-in principals, roles, the users store and the audit log.

Roles and visibility are enforced in the service/workbench layer (`readmit.workbench`), so a
page or command that forgets a check still cannot reach what its user may not see or do.
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
