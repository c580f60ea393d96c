package io.boxoffice.cdc;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sends each engine batch to Kafka and marks records processed only after every send of
 * the batch was acknowledged. A failed send fails the whole batch without marking anything,
 * so the offsets never move past an unacknowledged record (at-least-once).
 */
final class KafkaPublisher implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {
    private static final Logger LOG = LogManager.getLogger(KafkaPublisher.class);

    private final Producer<String, String> producer;
    private final RunnerState state;
    private final long shutdownGraceMs;

    /**
     * @param shutdownGraceMs how long a batch may still wait for its acks after the engine
     *     interrupted it for shutdown; the engine commits offsets only after the batch returns,
     *     so finishing it avoids re-sending the batch on the next start.
     */
    KafkaPublisher(Producer<String, String> producer, RunnerState state, long shutdownGraceMs) {
        this.producer = producer;
        this.state = state;
        this.shutdownGraceMs = shutdownGraceMs;
    }

    @Override
    public void handleBatch(List<ChangeEvent<String, String>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        if (records.isEmpty()) {
            committer.markBatchFinished();
            return;
        }
        Deadline deadline = new Deadline(shutdownGraceMs);
        state.batchInFlightSinceMillis.set(System.currentTimeMillis());
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ChangeEvent<String, String> r : records) {
                // A null value is a tombstone; it keeps the key so log compaction drops the row.
                ProducerRecord<String, String> pr =
                        new ProducerRecord<>(r.destination(), r.partition(), r.key(), r.value());
                while (true) {
                    try {
                        acks.add(producer.send(pr));
                        break;
                    } catch (InterruptException e) {
                        // Interrupted while waiting for metadata: the record was not appended.
                        deadline.interrupted();
                    }
                }
            }
            try {
                producer.flush();
            } catch (InterruptException e) {
                deadline.interrupted();
            }
            for (int i = 0; i < acks.size(); i++) {
                awaitAck(acks.get(i), records.get(i), deadline);
            }
        } catch (PublishException e) {
            fail(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            fail("send failed: " + e);
            throw new PublishException("send failed: " + e, e);
        } finally {
            state.batchInFlightSinceMillis.set(0);
        }

        for (ChangeEvent<String, String> r : records) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();

        state.recordsPublished.addAndGet(records.size());
        state.batchesPublished.incrementAndGet();
        state.lastPublishMillis.set(System.currentTimeMillis());
        state.producerHealthy = true;
        if (deadline.wasInterrupted()) {
            LOG.info("finished in-flight batch of {} records during shutdown", records.size());
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitAck(Future<RecordMetadata> ack, ChangeEvent<String, String> r, Deadline deadline) {
        while (true) {
            try {
                if (deadline.wasInterrupted()) {
                    ack.get(deadline.remainingMs(), TimeUnit.MILLISECONDS);
                } else {
                    ack.get();
                }
                return;
            } catch (InterruptedException e) {
                deadline.interrupted();
            } catch (TimeoutException e) {
                throw new PublishException("shutdown: no ack from the broker within the grace period for "
                        + r.destination(), e);
            } catch (ExecutionException e) {
                throw new PublishException("send to " + r.destination() + " failed (key " + r.key() + "): "
                        + e.getCause(), e.getCause());
            }
        }
    }

    private void fail(String message) {
        state.producerHealthy = false;
        state.recordError(message);
        LOG.error("{}; batch not marked processed, stopping the engine", message);
    }

    /** Tracks an engine interrupt and the grace period that starts with it. */
    private static final class Deadline {
        private final long graceMs;
        private long endNanos;
        private boolean interrupted;

        Deadline(long graceMs) {
            this.graceMs = graceMs;
        }

        void interrupted() {
            Thread.interrupted();
            if (!interrupted) {
                interrupted = true;
                endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
            } else if (System.nanoTime() - endNanos > 0) {
                throw new PublishException("shutdown: batch not acknowledged within the grace period", null);
            }
        }

        boolean wasInterrupted() {
            return interrupted;
        }

        long remainingMs() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
        }
    }

    static final class PublishException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
