package dev.mooring.model;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelErrorClassifierTest {

    private final ModelErrorClassifier classifier =
            new ModelErrorClassifier("https://models.example/v1", "big-model", Duration.ofSeconds(30));

    @Test
    void refusedKeyIsNotRetryable() {
        for (Throwable failure : new Throwable[] {
            new AuthenticationException(new HttpException(401, "{\"error\":{\"message\":\"bad key sk-123\"}}")),
            new HttpException(403, "forbidden"),
            new AuthenticationException("no")}) {
            ModelError error = classifier.classify(failure);
            assertFalse(error.retryable());
            assertTrue(error.message().contains("CHAT_MODEL_API_KEY"), error.message());
            assertFalse(error.message().contains("sk-123"));
        }
    }

    @Test
    void unknownModelIsNotRetryable() {
        ModelError error = classifier.classify(new ModelNotFoundException(new HttpException(404, "")));

        assertFalse(error.retryable());
        assertTrue(error.message().contains("'big-model'"));
        assertTrue(error.message().contains("CHAT_MODEL_NAME"));
    }

    @Test
    void serverErrorsAreRetryable() {
        assertTrue(classifier.classify(new InternalServerException(new HttpException(503, "busy"))).retryable());
        assertTrue(classifier.classify(new HttpException(529, "{\"error\":{\"type\":\"overloaded_error\"}}"))
                .retryable());
    }

    @Test
    void timeoutsAnywhereInTheChainAreRetryableAndNameTheSetting() {
        for (Throwable failure : new Throwable[] {
            new dev.langchain4j.exception.TimeoutException(new CompletionException(new HttpTimeoutException("t"))),
            new LangChain4jException(new SocketTimeoutException("read timed out")),
            new RuntimeException(new TimeoutException())}) {
            ModelError error = classifier.classify(failure);
            assertTrue(error.retryable());
            assertTrue(error.message().contains("CHAT_MODEL_TIMEOUT"), error.message());
            assertTrue(error.message().contains("30 s"), error.message());
        }
    }

    @Test
    void unreachableServerIsRetryableAndNamesTheUrl() {
        for (Throwable failure : new Throwable[] {
            new CompletionException(new ConnectException()),
            new LangChain4jException(new UnknownHostException("models.example")),
            new UnresolvedModelServerException("x"),
            new RuntimeException(new HttpConnectTimeoutException("connect timed out"))}) {
            ModelError error = classifier.classify(failure);
            assertTrue(error.retryable());
            assertTrue(error.message().contains("https://models.example/v1"), error.message());
            assertTrue(error.message().contains("CHAT_MODEL_BASE_URL"), error.message());
        }
    }

    @Test
    void brokenConnectionMeansAnIncompleteAnswer() {
        ModelError error = classifier.classify(new LangChain4jException("closed", new IOException("closed")));

        assertTrue(error.retryable());
        assertTrue(error.message().contains("stopped before the answer was complete"));
    }

    @Test
    void anthropicStreamErrorsFollowTheirType() {
        assertTrue(classifier.classify(new AnthropicStreamingException("Overloaded", "overloaded_error")).retryable());
        assertFalse(classifier.classify(new AnthropicStreamingException("bad", "invalid_request_error")).retryable());
    }

    @Test
    void errorEventInsideAStreamIsReportedWithTheProvidersWords() {
        ModelError error = classifier.classify(
                new RuntimeException("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));

        assertTrue(error.retryable());
        assertTrue(error.message().contains("The server had an error"), error.message());
    }

    @Test
    void unexpectedFailuresSayWhatFailedWithoutAStackTrace() {
        ModelError error = classifier.classify(new IllegalStateException("weird\n\tat Foo.bar(Foo.java:1)"));

        assertFalse(error.retryable());
        assertTrue(error.message().contains("IllegalStateException"));
        assertFalse(error.message().contains("\n"));
    }

    @Test
    void causeCyclesDoNotLoop() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertFalse(classifier.classify(first).retryable());
    }

    @Test
    void providerMessageIsReadFromCommonErrorBodies() {
        assertEquals("too long", ModelErrorClassifier.providerMessage("{\"error\":{\"message\":\"too long\"}}"));
        assertEquals("model not found", ModelErrorClassifier.providerMessage("{\"error\":\"model not found\"}"));
        assertEquals("nope", ModelErrorClassifier.providerMessage("{\"message\":\"nope\"}"));
        assertEquals(null, ModelErrorClassifier.providerMessage("<html>Bad gateway</html>"));
    }
}
