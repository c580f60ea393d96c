package io.boxoffice.cdc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** GET /health: 200 only while the connector streams and the broker acknowledges our sends. */
final class HealthServer {
    private final HttpServer server;
    private final RunnerState state;

    HealthServer(String host, int port, RunnerState state) throws IOException {
        this.state = state;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/health", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        }));
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            String status = state.status();
            boolean healthy = "streaming".equals(status)
                    && state.producerHealthy
                    && !state.publishStuck(System.currentTimeMillis());
            byte[] body = state.toJson(status, healthy).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            int code = healthy ? 200 : 503;
            if ("HEAD".equals(method)) {
                ex.sendResponseHeaders(code, -1);
                return;
            }
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }
}
