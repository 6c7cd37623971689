package dev.mooring.security;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Refuses the chat socket's upgrade before it happens: 401 without the token, 403 from a foreign origin. */
@ApplicationScoped
public class ChatUpgradeCheck implements HttpUpgradeCheck {

    private final AccessPolicy policy;

    public ChatUpgradeCheck(AccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return switch (policy.check(context.httpRequest(), true)) {
            case NO_TOKEN -> CheckResult.rejectUpgrade(401);
            case FORBIDDEN_ORIGIN -> CheckResult.rejectUpgrade(403);
            case ALLOWED -> CheckResult.permitUpgrade();
        };
    }
}
