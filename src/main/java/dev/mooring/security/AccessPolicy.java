package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Who may use {@code /api}: the token (header or query), and for browsers an allowed {@code Origin}. */
@ApplicationScoped
public class AccessPolicy {

    /** What a request is refused for, or {@link #ALLOWED}. */
    public enum Verdict { ALLOWED, NO_TOKEN, FORBIDDEN_ORIGIN }

    private static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1");

    private final ServiceToken token;
    private final Set<String> allowedOrigins;

    public AccessPolicy(ServiceToken token, ChatConfig config) {
        this.token = token;
        this.allowedOrigins = config.allowedOrigins().orElse(List.of()).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).map(AccessPolicy::normalise)
                .collect(Collectors.toUnmodifiableSet());
    }

    public Verdict check(HttpServerRequest request, boolean checkOrigin) {
        if (!token.matches(presentedToken(request))) {
            return Verdict.NO_TOKEN;
        }
        if (checkOrigin && !originAllowed(request)) {
            return Verdict.FORBIDDEN_ORIGIN;
        }
        return Verdict.ALLOWED;
    }

    private static String presentedToken(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return request.getParam("token");
    }

    /**
     * No Origin (not a browser), one of the configured ones, or a loopback origin of the port the request came in on
     * (a page the service itself would serve). The {@code Host} header proves nothing: a page whose name an attacker
     * made resolve to this machine (DNS rebinding) sends a Host and an Origin that match.
     */
    private boolean originAllowed(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        String normalised = normalise(origin);
        if (allowedOrigins.contains(normalised) || allowedOrigins.contains("*")) {
            return true;
        }
        if (request.localAddress() == null) {
            return false;
        }
        String scheme = request.isSSL() ? "https://" : "http://";
        int port = request.localAddress().port();
        for (String loopback : LOOPBACK_HOSTS) {
            if (normalised.equals(normalise(scheme + loopback + ":" + port))) {
                return true;
            }
        }
        return false;
    }

    private static String normalise(String origin) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        } else if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        }
        return o;
    }
}
