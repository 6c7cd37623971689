package dev.mooring.security;

import dev.mooring.api.Caller;
import dev.mooring.config.ChatConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Refuses the chat socket's upgrade before it happens: 401 without the token (or, serving several users, without a
 * valid assertion of the user), 403 from a foreign origin, 503 while {@code chat.connections.max} sockets are open (a
 * client backs off and tries again). The connection's user goes into its user data.
 */
@ApplicationScoped
public class ChatUpgradeCheck implements HttpUpgradeCheck {

    private static final UserData.TypedKey<String> USER = UserData.TypedKey.forString(Caller.CONNECTION_KEY);

    private final AccessPolicy policy;
    private final UserAssertions users;
    private final OpenConnections connections;
    private final int maxConnections;

    public ChatUpgradeCheck(AccessPolicy policy, UserAssertions users, OpenConnections connections, ChatConfig config) {
        this.policy = policy;
        this.users = users;
        this.connections = connections;
        this.maxConnections = config.connections().max();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return switch (policy.check(context.httpRequest(), true)) {
            case NO_TOKEN -> CheckResult.rejectUpgrade(401);
            case FORBIDDEN_ORIGIN -> CheckResult.rejectUpgrade(403);
            case ALLOWED -> users.userOf(context.httpRequest().getHeader(UserAssertions.HEADER), Instant.now())
                    .map(user -> {
                        if (connections.stream().count() >= maxConnections) {
                            return CheckResult.rejectUpgrade(503);
                        }
                        context.userData().put(USER, user);
                        return CheckResult.permitUpgrade();
                    }).orElseGet(() -> CheckResult.rejectUpgrade(401));
        };
    }
}
