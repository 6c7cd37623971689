package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.OpenConnections;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refuses the chat socket's upgrade before it happens: 401 without the token, 403 from a foreign origin, 503 while
 * {@code chat.connections.max} sockets are open (a client backs off and tries again).
 */
@ApplicationScoped
public class ChatUpgradeCheck implements HttpUpgradeCheck {

    private final AccessPolicy policy;
    private final OpenConnections connections;
    private final int maxConnections;

    public ChatUpgradeCheck(AccessPolicy policy, OpenConnections connections, ChatConfig config) {
        this.policy = policy;
        this.connections = connections;
        this.maxConnections = config.connections().max();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return switch (policy.check(context.httpRequest(), true)) {
            case NO_TOKEN -> CheckResult.rejectUpgrade(401);
            case FORBIDDEN_ORIGIN -> CheckResult.rejectUpgrade(403);
            case ALLOWED -> connections.stream().count() >= maxConnections ? CheckResult.rejectUpgrade(503)
                    : CheckResult.permitUpgrade();
        };
    }
}
