package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit events share the queue with request events; each reader sees only its own kind. */
class AuditEventTest {
    @TempDir
    Path dir;

    @Test
    void auditAndRequestEventsInterleaveAndAreReadApart() {
        Path queue = dir.resolve("trace");
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent request = new TraceEvent();
            AuditEvent audit = new AuditEvent();
            for (int i = 0; i < 3; i++) {
                request.clear().set(TraceField.TENANT, "acme");
                request.set(TraceField.STATUS, 200 + i);
                writer.append(request);
                audit.clear();
                audit.timestampNanos = 1_795_000_000_000_000_000L + i;
                TraceEvent.set(audit.actor, "admin");
                TraceEvent.set(audit.action, "rules.replace");
                TraceEvent.set(audit.target, "10-data-protection.yaml");
                audit.oldVersion = i;
                audit.newVersion = i + 1;
                TraceEvent.set(audit.detail, "3 rules, 1 shadow");
                writer.appendAudit(audit);
            }
        }
        AuditEvent audit = new AuditEvent();
        try (TraceReader reader = new TraceReader(queue)) {
            for (int i = 0; i < 3; i++) {
                assertTrue(reader.nextAudit(audit));
                assertEquals("rules.replace", audit.action.toString());
                assertEquals(i, audit.oldVersion);
                assertEquals(i + 1, audit.newVersion);
                assertEquals("3 rules, 1 shadow", audit.detail.toString());
            }
            assertFalse(reader.nextAudit(audit));
        }
        TraceEvent request = new TraceEvent();
        int requests = 0;
        try (TraceReader reader = new TraceReader(queue)) {
            while (reader.next(request)) {
                assertEquals(200 + requests, (int) request.get(TraceField.STATUS));
                requests++;
            }
        }
        assertEquals(3, requests, "request readers (tail, the drainer) skip audit events");
    }
}
