package dev.mooring.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.security.UserAssertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The multi-node deployment on loopback: packaged nodes ({@code node-1} …) of the PostgreSQL build sharing the test
 * database and a Redis of their own, behind HAProxy configured by {@code deploy/haproxy.cfg}. A node can be killed,
 * frozen, stopped and started again; the balancer sees it through its readiness check.
 */
public final class Cluster implements AutoCloseable {

    private final Path dir;
    private final String usersSecret;
    private final HttpClient http = HttpClient.newHttpClient();
    private final RedisProcess redis;
    private final Map<String, ServiceProcess> nodes = new LinkedHashMap<>();
    private final Balancer balancer;

    private Cluster(Path dir, String usersSecret, RedisProcess redis, List<ServiceProcess> started, Balancer balancer) {
        this.dir = dir;
        this.usersSecret = usersSecret;
        this.redis = redis;
        for (int i = 0; i < started.size(); i++) {
            nodes.put(name(i + 1), started.get(i));
        }
        this.balancer = balancer;
    }

    /**
     * Starts Redis, {@code count} nodes (at once) with the model at {@code modelUrl} and {@code env} on top of the
     * defaults, then the balancer.
     */
    public static Cluster start(int count, String modelUrl, Map<String, String> env) {
        Path dir;
        try {
            dir = Files.createTempDirectory("mooring-cluster");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RedisProcess redis = RedisProcess.start();
        List<ServiceProcess> started = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Path data = Files.createDirectories(dir.resolve(name(i)));
                ServiceProcess node = new ServiceProcess(data, modelUrl)
                        .env("CHAT_NODE_NAME", name(i))
                        .env("QUARKUS_REDIS_HOSTS", redis.url())
                        // nodes starting at once on a busy machine: a new database connection may take seconds
                        .env("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "30s");
                env.forEach(node::env);
                started.add(node);
            }
            CompletableFuture.allOf(started.stream().map(n -> CompletableFuture.runAsync(n::start))
                    .toArray(CompletableFuture[]::new)).join();
            List<Balancer.Node> members = new ArrayList<>();
            for (int i = 0; i < started.size(); i++) {
                members.add(new Balancer.Node(name(i + 1), started.get(i).address()));
            }
            return new Cluster(dir, env.get("CHAT_USERS_SECRET"), redis, started, Balancer.start(dir, members));
        } catch (IOException | RuntimeException e) {
            started.forEach(ServiceProcess::kill);
            redis.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private static String name(int i) {
        return "node-" + i;
    }

    /** The balancer's base URL: where clients connect. */
    public String url() {
        return balancer.baseUrl();
    }

    public ServiceProcess node(String name) {
        ServiceProcess node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return node;
    }

    /** The names of every node, started or not. */
    public List<String> names() {
        return List.copyOf(nodes.keySet());
    }

    public RedisProcess redis() {
        return redis;
    }

    /** Where the nodes' logs and data are. */
    public Path dir() {
        return dir;
    }

    /** A client through the balancer. */
    public WsClient connect() {
        return WsClient.connect(url(), ServiceProcess.TOKEN);
    }

    /** A client on one node, around the balancer. */
    public WsClient connectTo(String node) {
        return WsClient.connect(node(node).baseUrl(), ServiceProcess.TOKEN);
    }

    /** A client of {@code user} on one node (the cluster serves several users: CHAT_USERS_SECRET in its env). */
    public WsClient connectTo(String node, String user) {
        return WsClient.connect(WsClient.chatUri(node(node).baseUrl(), ServiceProcess.TOKEN), userHeader(user));
    }

    /** {@code method path} on one node as {@code user} (null: no assertion), with the token. */
    public HttpResponse<String> request(String node, String user, String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node(node).baseUrl() + path))
                .header("Authorization", "Bearer " + ServiceProcess.TOKEN).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            userHeader(user).forEach(request::header);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET path} on one node as {@code user}, as JSON; fails unless it answers 200. */
    public JsonNode get(String node, String user, String path) {
        HttpResponse<String> response = request(node, user, "GET", path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on " + node + ": " + response.statusCode() + " " + response.body());
        }
        try {
            return WsClient.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> userHeader(String user) {
        if (usersSecret == null) {
            return Map.of();
        }
        return Map.of(UserAssertions.HEADER, UserAssertions.assertion(UserAssertions.userKey(usersSecret, user), user,
                Instant.now().plusSeconds(60)));
    }

    @Override
    public void close() {
        balancer.close();
        nodes.values().forEach(n -> {
            if (n.alive()) {
                n.thaw();
                n.kill();
            }
        });
        redis.close();
    }
}
