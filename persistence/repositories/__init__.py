"""Every query lives in this package; one module per area, gathered by ``Repositories``."""

from __future__ import annotations

from sqlmodel import Session

from persistence.caches import Frameworks
from persistence.repositories.audit import AuditRepository
from persistence.repositories.bulk import BulkRepository
from persistence.repositories.evidence import EvidenceRepository
from persistence.repositories.idempotency import IdempotencyRepository
from persistence.repositories.identity import IdentityRepository
from persistence.repositories.notices import NoticesRepository
from persistence.repositories.notifications import NotificationsRepository
from persistence.repositories.reference import ReferenceRepository
from persistence.repositories.reporting import EvidenceCounts, ReportingRepository
from persistence.repositories.sync import SyncRepository


class Repositories:
    def __init__(self, session: Session, frameworks: Frameworks) -> None:
        self.session = session
        self.reference = ReferenceRepository(session, frameworks)
        self.reporting = ReportingRepository(session)
        self.idempotency = IdempotencyRepository(session)
        self.audit = AuditRepository(session)
        self.bulk = BulkRepository(session)
        self.identity = IdentityRepository(session)
        self.evidence_counts = EvidenceCounts(session)
        self.evidence = EvidenceRepository(session)
        self.notifications = NotificationsRepository(session)
        self.notices = NoticesRepository(session)
        self.sync = SyncRepository(session)
