package io.boxoffice.cdc;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the Debezium embedded engine and publishes its change events to Kafka.
 *
 * <p>Usage: {@code Runner <connector.properties> [override.properties ...]}. On SIGTERM/SIGINT
 * the engine is closed (in-flight batch finished, offsets flushed) and the JVM exits with the
 * signal's status (143/130). Exit 1 whenever the engine stops on its own or the broker is
 * unreachable at start-up, exit 2 for configuration errors, so a supervisor restarts it.
 */
public final class Runner {
    private static final Logger LOG = LogManager.getLogger(Runner.class);

    private static final int EXIT_CONFIG = 2;
    private static final int EXIT_ENGINE_DIED = 1;

    private Runner() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Runner <connector.properties> [override.properties ...]");
            System.exit(EXIT_CONFIG);
        }
        try {
            int code = run(args);
            if (code != 0) {
                System.exit(code);
            }
            // 0 means a signal started the JVM shutdown; the hook finishes the cleanup.
        } catch (IllegalArgumentException e) {
            LOG.error("configuration error: {}", e.getMessage());
            System.exit(EXIT_CONFIG);
        } catch (StartupException e) {
            LOG.error("{}", e.getMessage());
            System.exit(EXIT_ENGINE_DIED);
        } catch (Throwable t) {
            LOG.error("runner failed", t);
            System.exit(EXIT_ENGINE_DIED);
        }
    }

    private static int run(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read properties file " + p);
            }
            files.add(p);
        }
        RunnerConfig config = RunnerConfig.load(files, System::getenv);
        LOG.info("loaded configuration from {}", files);

        Properties engineProps = config.engineProperties();
        require(engineProps, "name");
        require(engineProps, "connector.class");
        require(engineProps, "offset.storage");
        String offsetFile = engineProps.getProperty("offset.storage.file.filename");
        if (offsetFile != null && !offsetFile.isBlank()) {
            Path parent = Path.of(offsetFile).toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }

        Map<String, Object> kafka = config.kafkaProperties();
        if (!kafka.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("missing required property 'runner.kafka.bootstrap.servers'");
        }
        int healthPort = config.getInt("runner.health.port", 0);
        String healthHost = config.get("runner.health.host", "127.0.0.1");
        long stuckMs = config.getInt("runner.health.stuck.batch.ms", 15_000);
        long brokerWaitMs = config.getInt("runner.broker.wait.ms", 60_000);
        long shutdownGraceMs = config.getInt("runner.shutdown.grace.ms", 10_000);

        RunnerState state = new RunnerState(stuckMs);
        HealthServer health = null;
        if (healthPort > 0) {
            health = new HealthServer(healthHost, healthPort, state);
            health.start();
            LOG.info("health endpoint on http://{}:{}/health", healthHost, healthPort);
        }

        waitForBroker(kafka, brokerWaitMs, state);

        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka));

        AtomicReference<Throwable> engineError = new AtomicReference<>();
        AtomicBoolean stopRequested = new AtomicBoolean();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                .using(engineProps)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        state.pollingStarted = true;
                        LOG.info("connector task is polling");
                    }

                    @Override
                    public void pollingStopped() {
                        state.pollingStarted = false;
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        engineError.compareAndSet(null, error != null ? error : new IllegalStateException(message));
                    }
                    if (success) {
                        LOG.info("engine completed: {}", message);
                    } else if (stopRequested.get()) {
                        LOG.warn("engine stopped during shutdown: {}", message);
                    } else {
                        // The engine has already logged the stack trace.
                        LOG.error("engine failed: {}", message);
                    }
                })
                .notifying(new KafkaPublisher(producer, state, shutdownGraceMs))
                .build();

        Thread engineThread = new Thread(engine, "debezium-engine");
        HealthServer healthRef = health;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!stopRequested.compareAndSet(false, true)) {
                return;
            }
            if (engineThread.isAlive()) {
                LOG.info("shutdown requested, closing engine (flushes offsets)");
                state.phase.set(RunnerState.Phase.STOPPING);
                try {
                    closeEngine(engine, engineThread);
                    engineThread.join(shutdownGraceMs + TimeUnit.SECONDS.toMillis(50));
                } catch (Exception e) {
                    LOG.warn("engine close failed", e);
                }
                state.phase.set(RunnerState.Phase.STOPPED);
            }
            producer.close(Duration.ofSeconds(10));
            if (healthRef != null) {
                healthRef.stop();
            }
            LOG.info("stopped");
            LogManager.shutdown();
        }, "shutdown"));

        state.phase.set(RunnerState.Phase.RUNNING);
        engineThread.start();
        engineThread.join();

        if (stopRequested.get()) {
            // Shutdown hook owns the remaining cleanup and the exit status.
            return 0;
        }
        state.phase.set(RunnerState.Phase.FAILED);
        Throwable err = engineError.get();
        LOG.error("engine stopped without a shutdown request; exiting so the supervisor restarts it{}",
                err == null ? "" : ": " + err);
        return EXIT_ENGINE_DIED;
    }

    /** The engine refuses close() while its tasks are starting; retry until it accepts. */
    private static void closeEngine(DebeziumEngine<?> engine, Thread engineThread) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException e) {
                if (!engineThread.isAlive() || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.info("engine not ready to stop yet ({}), retrying", e.getMessage());
                Thread.sleep(200);
            }
        }
    }

    private static void require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing required property '" + key + "'");
        }
    }

    static Map<String, Object> producerConfig(Map<String, Object> kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.CLIENT_ID_CONFIG, "boxoffice-cdc");
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        // No idempotence: tansu (memory storage) forgets producer ids on restart and the
        // idempotent producer then retries UNKNOWN_PRODUCER_ID until delivery.timeout.ms.
        // One request in flight keeps per-partition order across retries instead; a retry
        // can still duplicate a record, which at-least-once consumers tolerate anyway.
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        cfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // Every batch is flushed explicitly, so lingering would only add latency.
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        for (Map.Entry<String, Object> e : kafka.entrySet()) {
            if (ProducerConfig.configNames().contains(e.getKey())) {
                cfg.put(e.getKey(), e.getValue());
            } else if (!AdminClientConfig.configNames().contains(e.getKey())) {
                LOG.warn("ignoring unknown Kafka client setting runner.kafka.{}", e.getKey());
            }
        }
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return cfg;
    }

    /** Fails fast (non-zero exit) when the broker stays unreachable, instead of an engine that snapshots into a void. */
    private static void waitForBroker(Map<String, Object> kafka, long timeoutMs, RunnerState state) throws Exception {
        Map<String, Object> cfg = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                cfg.put(k, v);
            }
        });
        cfg.put(AdminClientConfig.CLIENT_ID_CONFIG, "boxoffice-cdc-probe");
        long deadline = System.currentTimeMillis() + timeoutMs;
        Admin admin = Admin.create(cfg);
        try {
            while (true) {
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    state.brokerReachable = true;
                    LOG.info("broker reachable at {} ({} node(s))", kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), nodes);
                    return;
                } catch (Exception e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new StartupException("Kafka broker " + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                                + " unreachable for " + timeoutMs + " ms");
                    }
                    LOG.warn("waiting for Kafka broker {}: {}", kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), e.toString());
                    Thread.sleep(1000);
                }
            }
        } finally {
            // Plain close() would wait default.api.timeout.ms for the abandoned probe.
            admin.close(Duration.ZERO);
        }
    }

    /** A start-up precondition failed; reported as one line, exit status 1. */
    static final class StartupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }
}
