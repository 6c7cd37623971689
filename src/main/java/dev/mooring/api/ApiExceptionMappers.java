package dev.mooring.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every REST failure into a {@code {code, message}} body; no stack trace ever leaves the service. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response mapApi(ApiException e) {
        int status = switch (e.code()) {
            case NOT_FOUND -> 404;
            case BAD_REQUEST -> 400;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case MODEL_ERROR -> 502;
            case TOOL_TIMEOUT -> 504;
            case INTERNAL -> 500;
        };
        return body(status, e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response mapNotFound(NotFoundException e) {
        return body(404, ErrorCode.NOT_FOUND, "no such resource");
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = status == 404 ? ErrorCode.NOT_FOUND
                : status == 401 ? ErrorCode.UNAUTHORIZED
                : status == 403 ? ErrorCode.FORBIDDEN
                : status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
        return body(status, code, status < 500 ? "the request was not understood" : "the service failed");
    }

    @ServerExceptionMapper
    public Response mapAny(Exception e) {
        LOG.error("REST request failed", RedactedFailure.of(e));
        if (RedactedFailure.fromDatabase(e)) {
            return body(503, ErrorCode.UNAVAILABLE, "the service cannot reach its database right now; try again");
        }
        return body(500, ErrorCode.INTERNAL, "the service failed; see its log");
    }

    public static Response body(int status, ErrorCode code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(code, message)).build();
    }
}
