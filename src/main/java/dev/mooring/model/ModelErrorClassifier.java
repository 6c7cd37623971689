package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;
import dev.langchain4j.model.ollama.OllamaStreamingException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Turns a provider failure into a {@link ModelError} a user can act on: what happened, what to fix, and whether a
 * retry can help. Looks through the whole cause chain; never puts a stack trace or a key in a message.
 */
public final class ModelErrorClassifier {

    private static final Logger LOG = Logger.getLogger(ModelErrorClassifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PROVIDER_MESSAGE = 300;

    private final String baseUrl;
    private final String modelName;
    private final Duration timeout;

    /**
     * @param baseUrl   the provider's base URL as configured (named when it cannot be reached), or null
     * @param modelName the configured model name
     * @param timeout   the configured {@code chat.model.timeout}
     */
    public ModelErrorClassifier(String baseUrl, String modelName, Duration timeout) {
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? "the configured address" : baseUrl;
        this.modelName = modelName;
        this.timeout = timeout;
    }

    /** A stream that ended without the provider saying the answer was finished. */
    public ModelError incompleteStream() {
        return new ModelError("The model's stream stopped before the answer was complete. Try again.", true);
    }

    /** No byte from the provider for longer than the configured timeout. */
    public ModelError idleTimeout() {
        return new ModelError("The model sent nothing for " + seconds(timeout) + ". It may be overloaded: try again, "
                + "or raise CHAT_MODEL_TIMEOUT for slow models.", true);
    }

    /**
     * The error for any failure: a known one, or an unexpected one that points to the service log (where its stack
     * trace is written here).
     */
    public ModelError classify(Throwable failure) {
        ModelError known = known(failure);
        if (known != null) {
            return known;
        }
        LOG.warn("Model call failed unexpectedly", failure);
        return unexpected(failure);
    }

    /** The error for a failure of a known kind (HTTP status, time-out, unreachable server, broken stream), or null. */
    private ModelError known(Throwable failure) {
        Integer status = null;
        String providerMessage = null;
        boolean timedOut = false;
        boolean connectTimedOut = false;
        boolean unreachable = false;
        boolean brokenConnection = false;
        String streamedError = null;
        String anthropicType = null;

        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof HttpException http) {
                status = http.statusCode();
                providerMessage = providerMessage(http.getMessage());
            } else if (status == null) {
                status = statusOf(t);
            }
            if (t instanceof AnthropicStreamingException anthropic) {
                anthropicType = anthropic.type();
                streamedError = anthropic.getMessage();
            } else if (t instanceof OllamaStreamingException) {
                streamedError = t.getMessage();
            } else if (streamedError == null && !(t instanceof HttpException)) {
                // an error event inside an OpenAI stream arrives as an exception whose message is the event's JSON
                streamedError = providerMessage(t.getMessage());
            }
            if (t instanceof HttpConnectTimeoutException) {
                connectTimedOut = true;
            } else if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException || t instanceof dev.langchain4j.exception.TimeoutException) {
                timedOut = true;
            } else if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof UnresolvedAddressException
                    || t instanceof UnresolvedModelServerException) {
                unreachable = true;
            } else if (t instanceof IOException) {
                brokenConnection = true;
            }
        }

        if (anthropicType != null && status == null) {
            status = anthropicStatus(anthropicType);
            providerMessage = shorten(streamedError);
        }
        if (status != null) {
            return forStatus(status, providerMessage);
        }
        if (connectTimedOut) {
            return new ModelError("The model server at " + baseUrl + " did not accept a connection within "
                    + seconds(timeout) + ": check the base URL (CHAT_MODEL_BASE_URL) and that the server is running.",
                    true);
        }
        if (timedOut) {
            return new ModelError("The model did not answer within " + seconds(timeout) + ". It may be overloaded: "
                    + "try again, or raise CHAT_MODEL_TIMEOUT for slow models.", true);
        }
        if (unreachable) {
            return new ModelError("The model server at " + baseUrl + " is unreachable: check the base URL "
                    + "(CHAT_MODEL_BASE_URL) and that the server is running.", true);
        }
        if (streamedError != null) {
            return new ModelError("The model server reported an error: " + shorten(streamedError) + ".", true);
        }
        if (brokenConnection) {
            return new ModelError("The model's stream stopped before the answer was complete: the connection to "
                    + baseUrl + " broke. Try again.", true);
        }
        return null;
    }

    /** A failure of no known kind: says which, and that the service log has the details. */
    private static ModelError unexpected(Throwable failure) {
        String detail = shorten(failure.getMessage());
        return new ModelError("The model call failed unexpectedly (" + failure.getClass().getSimpleName()
                + (detail == null ? "" : ": " + detail) + "). See the service log.", false);
    }

    private ModelError forStatus(int status, String providerMessage) {
        String said = providerMessage == null ? "" : " The provider said: " + providerMessage;
        if (status == 401 || status == 403) {
            return new ModelError("The provider refused the API key (HTTP " + status + "): check the key in the "
                    + "model settings or CHAT_MODEL_API_KEY"
                    + (status == 403 ? ", and that it may use the model " + quoted(modelName) : "") + ".", false);
        }
        if (status == 404) {
            return new ModelError("The model " + quoted(modelName) + " was not found at " + baseUrl
                    + " (HTTP 404): check CHAT_MODEL_NAME, and that CHAT_MODEL_BASE_URL is the API's base URL.", false);
        }
        if (status == 408) {
            return new ModelError("The model provider timed out (HTTP 408). Try again.", true);
        }
        if (status == 429) {
            if (providerMessage != null && providerMessage.toLowerCase().contains("quota")) {
                return new ModelError("The API account has no quota left (HTTP 429): check the plan and billing of "
                        + "the key in CHAT_MODEL_API_KEY." + said, false);
            }
            return new ModelError("The model provider is limiting the request rate (HTTP 429). Wait a moment and "
                    + "try again.", true);
        }
        if (status >= 500) {
            return new ModelError("The model provider failed (HTTP " + status + "). Try again shortly.", true);
        }
        return new ModelError("The model provider rejected the request (HTTP " + status + ")." + said, false);
    }

    /** The status a typed LangChain4j exception stands for, when no {@link HttpException} says it. */
    private static Integer statusOf(Throwable t) {
        if (t instanceof AuthenticationException) {
            return 401;
        }
        if (t instanceof ModelNotFoundException) {
            return 404;
        }
        if (t instanceof RateLimitException) {
            return 429;
        }
        if (t instanceof InternalServerException) {
            return 500;
        }
        if (t instanceof InvalidRequestException) {
            return 400;
        }
        return null;
    }

    /** Anthropic reports some failures inside a started stream, typed like its HTTP errors. */
    private static Integer anthropicStatus(String type) {
        return switch (type == null ? "" : type) {
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            case "api_error" -> 500;
            case "invalid_request_error", "request_too_large" -> 400;
            default -> null;
        };
    }

    /** The human message inside a provider's JSON error body ({@code {"error": {"message": ...}}} and variants). */
    static String providerMessage(String body) {
        if (body == null || body.isBlank() || body.strip().charAt(0) != '{') {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            JsonNode message = error.isTextual() ? error : error.path("message");
            if (!message.isTextual()) {
                message = root.path("message");
            }
            return message.isTextual() ? shorten(message.asText()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String shorten(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_PROVIDER_MESSAGE ? line : line.substring(0, MAX_PROVIDER_MESSAGE) + "...";
    }

    private static String quoted(String name) {
        return name == null || name.isBlank() ? "(none configured)" : "'" + name + "'";
    }

    private static String seconds(Duration duration) {
        if (duration == null) {
            return "the configured time";
        }
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
