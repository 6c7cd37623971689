package dev.mooring.security;

import dev.mooring.api.ApiExceptionMappers;
import dev.mooring.api.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/** Every REST route under {@code /api} needs the service token; health and metrics under {@code /q} do not. */
public class ApiTokenFilter {

    private final AccessPolicy policy;

    public ApiTokenFilter(AccessPolicy policy) {
        this.policy = policy;
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
            case ALLOWED -> Optional.empty();
        };
    }
}
