package io.boxoffice.cdc;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Counters and lifecycle flags shared by the engine callbacks, the publisher and /health. */
final class RunnerState {
    enum Phase { STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final long startedAtMillis = System.currentTimeMillis();
    final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);
    final AtomicLong recordsPublished = new AtomicLong();
    final AtomicLong batchesPublished = new AtomicLong();
    final AtomicLong publishErrors = new AtomicLong();
    final AtomicLong lastPublishMillis = new AtomicLong();
    /** Start of the batch currently waiting for broker acks, 0 when idle. */
    final AtomicLong batchInFlightSinceMillis = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    volatile boolean brokerReachable;
    /** False after a failed batch until the next batch is fully acknowledged. */
    volatile boolean producerHealthy = true;
    volatile boolean pollingStarted;

    private final long stuckBatchMillis;

    RunnerState(long stuckBatchMillis) {
        this.stuckBatchMillis = stuckBatchMillis;
    }

    void recordError(String message) {
        publishErrors.incrementAndGet();
        lastError.set(Instant.now() + " " + message);
    }

    /** Debezium's own JMX metrics tell snapshot from streaming; the engine callbacks cannot. */
    private static Boolean connectorMetric(String context, String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(
                    new ObjectName("debezium.*:type=connector-metrics,context=" + context + ",*"), null);
            for (ObjectName name : names) {
                Object v = server.getAttribute(name, attribute);
                if (v instanceof Boolean b) {
                    return b;
                }
            }
        } catch (Exception ignored) {
            // metrics not registered yet
        }
        return null;
    }

    /** Status string and whether it counts as healthy. */
    String status() {
        Phase p = phase.get();
        switch (p) {
            case STOPPING:
                return "stopping";
            case STOPPED:
                return "stopped";
            case FAILED:
                return "failed";
            default:
                break;
        }
        if (!brokerReachable) {
            return "waiting_for_broker";
        }
        if (!pollingStarted) {
            return "starting";
        }
        if (Boolean.TRUE.equals(connectorMetric("snapshot", "SnapshotRunning"))) {
            return "snapshotting";
        }
        if (Boolean.TRUE.equals(connectorMetric("streaming", "Connected"))) {
            return "streaming";
        }
        return "connecting";
    }

    boolean publishStuck(long now) {
        long since = batchInFlightSinceMillis.get();
        return since != 0 && now - since > stuckBatchMillis;
    }

    String toJson(String status, boolean healthy) {
        long now = System.currentTimeMillis();
        long last = lastPublishMillis.get();
        long inFlight = batchInFlightSinceMillis.get();
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        field(b, "status", status).append(',');
        b.append("\"healthy\":").append(healthy).append(',');
        b.append("\"producerHealthy\":").append(producerHealthy).append(',');
        b.append("\"recordsPublished\":").append(recordsPublished.get()).append(',');
        b.append("\"batchesPublished\":").append(batchesPublished.get()).append(',');
        b.append("\"publishErrors\":").append(publishErrors.get()).append(',');
        field(b, "lastPublishAt", last == 0 ? null : Instant.ofEpochMilli(last).toString()).append(',');
        b.append("\"lastPublishAgeMs\":").append(last == 0 ? "null" : String.valueOf(now - last)).append(',');
        b.append("\"batchInFlightMs\":").append(inFlight == 0 ? "null" : String.valueOf(now - inFlight)).append(',');
        field(b, "lastError", lastError.get()).append(',');
        b.append("\"uptimeMs\":").append(now - startedAtMillis);
        return b.append('}').toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
