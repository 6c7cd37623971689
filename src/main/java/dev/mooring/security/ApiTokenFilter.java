package dev.mooring.security;

import dev.mooring.api.ApiExceptionMappers;
import dev.mooring.api.Caller;
import dev.mooring.api.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Instant;
import java.util.Optional;

/**
 * Every REST route under {@code /api} needs the service token (and, serving several users, an assertion of the
 * user, who becomes the request's {@link Caller}); health and metrics under {@code /q} do not.
 */
public class ApiTokenFilter {

    private final AccessPolicy policy;
    private final UserAssertions users;
    private final Caller caller;

    public ApiTokenFilter(AccessPolicy policy, UserAssertions users, Caller caller) {
        this.policy = policy;
        this.users = users;
        this.caller = caller;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireToken(ContainerRequestContext context, HttpServerRequest request) {
        String path = context.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return Optional.empty();
        }
        return switch (policy.check(request, true)) {
            case NO_TOKEN -> Optional.of(ApiExceptionMappers.body(401, ErrorCode.UNAUTHORIZED,
                    "a valid service token is required (Authorization: Bearer <token>)"));
            case FORBIDDEN_ORIGIN -> Optional.of(ApiExceptionMappers.body(403, ErrorCode.FORBIDDEN,
                    "this origin may not use the service; add it to CHAT_ALLOWED_ORIGINS"));
            case ALLOWED -> users.userOf(request.getHeader(UserAssertions.HEADER), Instant.now()).map(user -> {
                caller.set(user);
                return Optional.<Response>empty();
            }).orElseGet(() -> Optional.of(ApiExceptionMappers.body(401, ErrorCode.UNAUTHORIZED,
                    "this service serves several users: requests come through a Jupyter proxy that asserts the user")));
        };
    }
}
