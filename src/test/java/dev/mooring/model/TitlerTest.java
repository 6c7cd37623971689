package dev.mooring.model;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversation titles from a real model: one non-streaming call through LangChain4j, its reply cleaned to one line. */
class TitlerTest {

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private CurrentModel model(boolean titles) {
        TestConfigs.Model config = new TestConfigs.Model(java.util.Optional.of("openai"),
                java.util.Optional.of("fake-gpt"), java.util.Optional.of(server.baseUrl()), java.util.Optional.empty(),
                Duration.ofSeconds(5), 256, titles, 4, 16);
        return new CurrentModel(ModelFactory.create(ModelSetup.of(config), config, TestConfigs.demo(0, 1),
                TestConfigs.prompts()));
    }

    private static ModelRequest debugQuestion() {
        return new ModelRequest(List.of(), "Fix this error: ZeroDivisionError: division by zero",
                new NotebookContext("a.ipynb", new NotebookContext.ActiveCell("def mean(xs):\n    return sum(xs) / len(xs)",
                        List.of(), "ZeroDivisionError: division by zero\nTraceback ...", "code", 1L), null, null),
                "debug");
    }

    @Test
    void theModelNamesTheConversationInOneNonStreamingCall() {
        Reply reply = server.enqueueCompletion(Reply.stream("Title: \"Fix ZeroDivisionError in mean()\".\nMore text"));
        try (CurrentModel model = model(true)) {
            assertTrue(model.namesConversations());

            Optional<String> title = model.title(debugQuestion(), "The list is empty, so len(xs) is 0.", 80);

            assertEquals(Optional.of("Fix ZeroDivisionError in mean()"), title);
            String body = reply.request().body();
            assertFalse(body.contains("\"stream\":true"), body);
            assertTrue(body.contains("ZeroDivisionError: division by zero") && body.contains("def mean(xs):")
                    && body.contains("len(xs) is 0"), body);
        }
    }

    @Test
    void aFailedCallNamesNothing() {
        server.enqueueCompletion(Reply.error(500));
        try (CurrentModel model = model(true)) {
            assertEquals(Optional.empty(), model.title(debugQuestion(), "answer", 80));
        }
    }

    @Test
    void withTitlesOffOrTheDemoModelNothingIsAsked() {
        try (CurrentModel model = model(false)) {
            assertFalse(model.namesConversations());
            assertEquals(Optional.empty(), model.title(debugQuestion(), "answer", 80));
        }
        assertEquals(0, server.requestCount());
    }

    @Test
    void aReplyIsCleanedToOneShortLine() {
        assertEquals("Plot sales by region", Titler.clean("\n**Plot sales by region.**\n", 80));
        assertEquals("Tri des ventes", Titler.clean("Titre : « Tri des ventes »".replace("«", "\"").replace("»", "\""), 80));
        assertEquals("abcd…", Titler.clean("abcdefgh", 5));
        assertEquals("a b", Titler.clean("a\u0000b", 80));
        assertNull(Titler.clean("  \"\"  ", 80));
        assertNull(Titler.clean(null, 80));
    }
}
