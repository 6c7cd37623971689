package dev.mooring.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline demo model, driven through the gateway exactly like a real provider. */
class DemoStreamingChatModelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<LangChain4jModelGateway> gateways = new ArrayList<>();

    @AfterEach
    void closeGateways() {
        gateways.forEach(LangChain4jModelGateway::close);
    }

    private LangChain4jModelGateway demo(double tokensPerSecond, int replyTokens) {
        LangChain4jModelGateway gateway = TestConfigs.gateway(TestConfigs.provider("demo"),
                TestConfigs.demo(tokensPerSecond, replyTokens));
        gateways.add(gateway);
        return gateway;
    }

    private static ModelRequest ask(String text, String mode) {
        return new ModelRequest(List.of(), text, null, mode);
    }

    @Test
    void demoModelStreamsConfiguredNumberOfChunks() {
        RecordingListener listener = new RecordingListener();

        demo(1000, 25).stream(ask("How do I plot a histogram?", "chat"), listener);

        await().atMost(WAIT).until(listener::ended);
        assertEquals(25, listener.deltas.size());
        assertTrue(listener.deltas.stream().noneMatch(String::isEmpty));
        assertEquals(1, listener.completions.get());
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
    }

    @Test
    void demoReplyQuotesTheQuestionAndCarriesAPythonBlock() {
        RecordingListener listener = new RecordingListener();

        demo(0, 60).stream(ask("How do I plot a histogram?", "chat"), listener);

        await().atMost(WAIT).until(listener::ended);
        String text = listener.text();
        assertTrue(text.contains("\"How do I plot a histogram?\""), text);
        assertTrue(text.contains("offline demo model"));
        assertTrue(text.contains("```python\n"));
        assertTrue(text.contains("No notebook context"));
    }

    @Test
    void demoReplyNamesTheModeAndTheNotebook() {
        RecordingListener listener = new RecordingListener();
        NotebookContext context = new NotebookContext("work/sales.ipynb",
                new NotebookContext.ActiveCell("x = 1 / 0", null, "ZeroDivisionError: division by zero"), null, null);

        demo(0, 60).stream(new ModelRequest(List.of(new HistoryTurn("user", "hi"),
                new HistoryTurn("assistant", "hello")), "Fix it", context, "debug"), listener);

        await().atMost(WAIT).until(listener::ended);
        String text = listener.text();
        assertTrue(text.contains("**debug** mode"), text);
        assertTrue(text.contains("`work/sales.ipynb`"), text);
        assertTrue(text.contains("\"Fix it\""), text);
        assertTrue(text.contains("2 earlier messages"), text);
    }

    @Test
    void demoReplyIsDeterministic() {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        LangChain4jModelGateway gateway = demo(0, 40);

        gateway.stream(ask("Explain", "explain"), first);
        gateway.stream(ask("Explain", "explain"), second);

        await().atMost(WAIT).until(() -> first.ended() && second.ended());
        assertEquals(first.deltas, second.deltas);
        assertTrue(first.text().contains("**explain** mode"));
    }

    @Test
    void demoPadsShortRepliesToManyChunks() {
        RecordingListener listener = new RecordingListener();

        demo(0, 1_000).stream(ask("hi", "chat"), listener);

        await().atMost(WAIT).until(listener::ended);
        assertEquals(1_000, listener.deltas.size());
        assertTrue(listener.deltas.stream().noneMatch(String::isEmpty));
    }

    @Test
    void demoWorksAtAnyPace() {
        for (double pace : new double[] {0, -5, Double.NaN, Double.POSITIVE_INFINITY, 1e12}) {
            RecordingListener listener = new RecordingListener();

            demo(pace, 30).stream(ask("hi", "chat"), listener);

            await().atMost(WAIT).until(listener::ended);
            assertEquals(30, listener.deltas.size(), "pace " + pace);
            assertEquals(1, listener.completions.get(), "pace " + pace);
        }
    }

    @Test
    void demoCancelStopsChunks() {
        RecordingListener listener = new RecordingListener();

        ModelStream stream = demo(50, 60).stream(ask("Tell me a long story", "chat"), listener);
        await().atMost(WAIT).until(() -> listener.deltas.size() >= 3);
        stream.cancel();
        // a delta that the demo thread was handing over while cancel() ran may still land, nothing after it
        int delivered = listener.deltas.size();

        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.callCount() <= delivered + 1);
        assertTrue(listener.deltas.size() < 60);
        assertFalse(listener.ended(), "no completion after cancel");
    }

    @Test
    void splitMakesExactlyTheAskedNumberOfPiecesThatJoinToTheText() {
        String text = "one two  three\nfour five";
        for (int count = 1; count <= 12; count++) {
            List<String> pieces = DemoStreamingChatModel.split(text, count);
            assertEquals(count, pieces.size());
            assertTrue(pieces.stream().noneMatch(String::isEmpty));
            if (count <= 5) {
                assertEquals(text, String.join("", pieces));
            } else {
                assertTrue(String.join("", pieces).startsWith(text));
            }
        }
    }
}
