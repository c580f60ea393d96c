package io.boxoffice.cdc;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merged configuration from one or more .properties files (later files win), with
 * {@code ${VAR}} / {@code ${VAR:-default}} resolved from the environment.
 * Keys under {@code runner.} belong to this process; everything else goes to the engine.
 */
final class RunnerConfig {
    static final String RUNNER_PREFIX = "runner.";
    static final String KAFKA_PREFIX = "runner.kafka.";

    // Only shell-style names are substituted; Kafka config-provider references such as
    // ${env:X} or ${file:...} contain ':' without '-' and are left untouched.
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> values;

    private RunnerConfig(Map<String, String> values) {
        this.values = values;
    }

    static RunnerConfig load(Iterable<Path> files, Function<String, String> env) throws IOException {
        Map<String, String> merged = new TreeMap<>();
        for (Path file : files) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String key : p.stringPropertyNames()) {
                merged.put(key, p.getProperty(key));
            }
        }
        Map<String, String> resolved = new TreeMap<>();
        for (Map.Entry<String, String> e : merged.entrySet()) {
            resolved.put(e.getKey(), substitute(e.getKey(), e.getValue(), env));
        }
        return new RunnerConfig(resolved);
    }

    static String substitute(String key, String value, Function<String, String> env) {
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String fallback = m.group(2);
            String v = env.apply(name);
            // Same rule as the shell's ${VAR:-default}: empty counts as unset.
            if (v == null || v.isEmpty()) {
                if (fallback == null) {
                    throw new IllegalArgumentException(
                            "property '" + key + "' references ${" + name + "} but it is not set and has no default");
                }
                v = fallback;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Engine/connector properties: everything not under runner. */
    Properties engineProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (!k.startsWith(RUNNER_PREFIX)) {
                p.setProperty(k, v);
            }
        });
        return p;
    }

    /** runner.kafka.X → X, passed to the Kafka clients as is. */
    Map<String, Object> kafkaProperties() {
        Map<String, Object> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                m.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return m;
    }

    String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    String require(String key) {
        String v = get(key, null);
        if (v == null) {
            throw new IllegalArgumentException("missing required property '" + key + "'");
        }
        return v;
    }

    int getInt(String key, int fallback) {
        String v = get(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property '" + key + "' must be an integer, got '" + v + "'");
        }
    }
}
