"""Counting a page's queries for the pinned counts: the page's own reads, apart from the audit write.

The audit write is the same for every page (the chain's head under its lock, then the entry with its
subjects: two statements on PostgreSQL, three on SQLite, see audit/services.py), so the pins leave it
out and check instead that the request wrote exactly one audit entry. Its time is measured in the
benchmark suite (docs/performance.md)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from toegang.audit.models import AuditEntry

AUDIT_WRITE = re.compile(
    r"SELECT audit_chain_head\("
    r'|^SELECT "audit_auditentry"\."chain_hash"( AS "chain_hash")? FROM "audit_auditentry" ORDER BY'
    r'|^\s*(WITH entry AS \(\s*)?INSERT INTO "?audit_audit(entry|subject)'
)


def page_queries(client, url: str, audit_rows: int = 1) -> int:
    """The number of queries of one GET of ``url`` (status 200), without the audit write; asserts that
    the request logged ``audit_rows`` audit entries (one for a page with client data, none without)."""
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert AuditEntry.objects.count() - before == audit_rows
    return sum(1 for query in ctx.captured_queries if not AUDIT_WRITE.search(query["sql"]))
