package dev.mooring.model;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.mooring.model.NotebookContext.ActiveCell;
import dev.mooring.model.NotebookContext.Variable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptBuilderTest {

    private static final String TRACEBACK_END = "ZeroDivisionError: division by zero";

    private static String lastUserText(List<ChatMessage> messages) {
        return ((UserMessage) messages.get(messages.size() - 1)).singleText();
    }

    @Test
    void plainChatIsSystemPromptThenTheUsersText() {
        List<ChatMessage> messages = new PromptBuilder(1000, 1000)
                .build(new ModelRequest(List.of(), "How do I read a CSV?", null, "chat"));

        assertEquals(2, messages.size());
        SystemMessage system = assertInstanceOf(SystemMessage.class, messages.get(0));
        assertTrue(system.text().contains("Markdown"));
        assertTrue(system.text().contains("language tag"));
        assertTrue(system.text().contains("Python"));
        assertEquals("How do I read a CSV?", lastUserText(messages));
    }

    @Test
    void contextIsADelimitedBlockWithEveryPart() {
        NotebookContext context = new NotebookContext("analysis/sales.ipynb",
                new ActiveCell("df = pd.read_csv('sales.csv')\ndf.head()", List.of("   id  total"),
                        "FileNotFoundError: sales.csv"),
                "read_csv", List.of(new Variable("df", "DataFrame", "id total\n1 2"), new Variable("n", "int", "3")));

        String user = lastUserText(new PromptBuilder(1000, 5000)
                .build(new ModelRequest(List.of(), "Why?", context, "chat")));

        assertTrue(user.startsWith("Context from my notebook:\n<notebook-context>\n"), user);
        assertTrue(user.contains("Notebook: analysis/sales.ipynb"));
        assertTrue(user.contains("```python\ndf = pd.read_csv('sales.csv')\ndf.head()\n```"), user);
        assertTrue(user.contains("   id  total"));
        assertTrue(user.contains("FileNotFoundError: sales.csv"));
        assertTrue(user.contains("Selected text:\n```\nread_csv\n```"), user);
        assertTrue(user.contains("- df: DataFrame = id total 1 2\n- n: int = 3"), user);
        assertTrue(user.indexOf("</notebook-context>") < user.indexOf(PromptBuilder.USER_TEXT_HEADING + "\nWhy?"));
        assertTrue(user.endsWith("Why?"));
    }

    @Test
    void contextIsTruncatedToItsBudget() {
        String source = IntStream.range(0, 2000).mapToObj(i -> "x" + i + " = " + i).collect(Collectors.joining("\n"));
        String outputs = "out\n".repeat(3000);
        NotebookContext context = new NotebookContext("big.ipynb", new ActiveCell(source, List.of(outputs), null),
                null, null);

        String block = new PromptBuilder(1000, 2000).renderContext(context);

        String content = block.replaceAll("(?s)^.*?```python\n", "");
        assertTrue(block.length() < 2000 + 300, "block of " + block.length() + " chars");
        assertTrue(content.contains("characters cut"));
        assertTrue(block.contains("x0 = 0\n"), "the cell's head is kept");
        assertTrue(block.contains("x1999 = 1999"), "the cell's tail is kept");
    }

    @Test
    void errorTracebackKeepsItsTail() {
        String traceback = "Traceback (most recent call last)\n"
                + IntStream.range(0, 500).mapToObj(i -> "  File \"lib.py\", line " + i + ", in f" + i)
                        .collect(Collectors.joining("\n"))
                + "\n" + TRACEBACK_END;
        NotebookContext context = new NotebookContext(null, new ActiveCell("1/0", null, traceback), null, null);

        String block = new PromptBuilder(1000, 1500).renderContext(context);

        assertTrue(block.contains(TRACEBACK_END + "\n```"), block);
        assertTrue(block.contains("Traceback (most recent call last)"), "a little of the head stays too");
        assertTrue(block.contains("characters cut"));
        assertTrue(block.contains("1/0"), "the small cell source stays whole");
        assertTrue(block.length() < 1500 + 300, "block of " + block.length() + " chars");
    }

    @Test
    void smallPartsStayWholeWhileLargeOnesShareTheRest() {
        String[] parts = {"a".repeat(100), "b".repeat(5000), "c".repeat(5000), "", "d".repeat(10)};
        int[] limits = PromptBuilder.allocate(parts, new int[] {3, 2, 3, 1, 1}, 1000);

        assertEquals(100, limits[0]);
        assertEquals(10, limits[4]);
        assertEquals(0, limits[3]);
        assertEquals(890 * 2 / 5, limits[1]);
        assertEquals(890 * 3 / 5, limits[2]);
    }

    @Test
    void headAndTailNeverExceedsTheLimit() {
        String text = "line of text\n".repeat(400);
        for (int max : new int[] {0, 5, 40, 100, 1000, 5199, 5200}) {
            String cut = PromptBuilder.headAndTail(text, max, 0.25);
            assertTrue(cut.length() <= Math.max(max, 0), max + " -> " + cut.length());
        }
        assertEquals(text, PromptBuilder.headAndTail(text, text.length(), 0.25));
    }

    @Test
    void ansiColoursAreStrippedFromTracebacks() {
        NotebookContext context = new NotebookContext(null,
                new ActiveCell("1/0", null, "\u001B[0;31mZeroDivisionError\u001B[0m: division by zero"), null, null);

        String block = new PromptBuilder(1000, 1000).renderContext(context);

        assertTrue(block.contains(TRACEBACK_END), block);
        assertFalse(block.contains("\u001B"));
    }

    @Test
    void codeFencesInsideTheCellDoNotCloseTheBlock() {
        NotebookContext context = new NotebookContext(null,
                new ActiveCell("md = '''\n```python\nprint(1)\n```\n'''", null, null), null, null);

        String block = new PromptBuilder(1000, 1000).renderContext(context);

        assertTrue(block.contains("````python\nmd = '''"), block);
    }

    @Test
    void emptyContextAddsNothing() {
        PromptBuilder builder = new PromptBuilder(1000, 1000);

        assertEquals("", builder.renderContext(new NotebookContext(null, null, null, List.of())));
        assertEquals("", builder.renderContext(new NotebookContext(" ", new ActiveCell("", List.of(""), ""), "", null)));
    }

    @Test
    void explainModeAsksForAStepByStepExplanation() {
        NotebookContext context = new NotebookContext("a.ipynb", new ActiveCell("print(1)", List.of("1"), null), null, null);

        String user = lastUserText(new PromptBuilder(1000, 1000)
                .build(new ModelRequest(List.of(), "Explain this cell", context, "explain")));

        assertTrue(user.contains(PromptBuilder.EXPLAIN_TASK));
        assertTrue(user.contains("step by step"));
        assertTrue(user.indexOf("</notebook-context>") < user.indexOf(PromptBuilder.EXPLAIN_TASK));
        assertTrue(user.endsWith(PromptBuilder.USER_TEXT_HEADING + "\nExplain this cell"));
    }

    @Test
    void debugModeAsksForTheCauseAndACorrectedCell() {
        NotebookContext context = new NotebookContext(null, new ActiveCell("1/0", null, TRACEBACK_END), null, null);

        String user = lastUserText(new PromptBuilder(1000, 1000)
                .build(new ModelRequest(List.of(), "Fix it", context, "debug")));

        assertTrue(user.contains(PromptBuilder.DEBUG_TASK));
        assertTrue(user.contains("corrected cell"));
        assertTrue(user.contains(TRACEBACK_END));
    }

    @Test
    void modeWithoutContextStillGetsItsTask() {
        String user = lastUserText(new PromptBuilder(1000, 1000)
                .build(new ModelRequest(List.of(), "Explain", null, "explain")));

        assertEquals(PromptBuilder.EXPLAIN_TASK + "\n\n" + PromptBuilder.USER_TEXT_HEADING + "\nExplain", user);
    }

    @Test
    void historyKeepsTheNewestTurnsInOrder() {
        List<HistoryTurn> history = List.of(
                new HistoryTurn("user", "q1"), new HistoryTurn("assistant", "a1"),
                new HistoryTurn("user", "q2"), new HistoryTurn("assistant", "a2"));

        List<ChatMessage> messages = new PromptBuilder(1000, 1000)
                .build(new ModelRequest(history, "q3", null, "chat"));

        assertEquals(6, messages.size());
        assertEquals("q1", ((UserMessage) messages.get(1)).singleText());
        assertEquals("a1", ((AiMessage) messages.get(2)).text());
        assertEquals("q2", ((UserMessage) messages.get(3)).singleText());
        assertEquals("a2", ((AiMessage) messages.get(4)).text());
        assertEquals("q3", lastUserText(messages));
    }

    @Test
    void historyBudgetDropsOldestTurnsWhole() {
        List<HistoryTurn> history = List.of(
                new HistoryTurn("user", "u".repeat(40)), new HistoryTurn("assistant", "a".repeat(40)),
                new HistoryTurn("user", "v".repeat(30)), new HistoryTurn("assistant", "b".repeat(30)));

        List<HistoryTurn> kept = new PromptBuilder(100, 1000).selectHistory(history);

        assertEquals(List.of(history.get(2), history.get(3)), kept, "the 40-char turns do not fit beside the rest");
    }

    @Test
    void historyNeverStartsWithAnAssistantTurn() {
        List<HistoryTurn> history = List.of(
                new HistoryTurn("user", "u".repeat(50)), new HistoryTurn("assistant", "a".repeat(20)),
                new HistoryTurn("user", "v".repeat(20)), new HistoryTurn("assistant", "b".repeat(20)));

        List<HistoryTurn> kept = new PromptBuilder(60, 1000).selectHistory(history);

        assertEquals(List.of(history.get(2), history.get(3)), kept);
    }

    @Test
    void newestTurnAloneOverBudgetIsShortened() {
        String longQuestion = "start " + "x".repeat(500) + " end";
        List<HistoryTurn> history = List.of(new HistoryTurn("user", "older"), new HistoryTurn("user", longQuestion));

        List<HistoryTurn> kept = new PromptBuilder(120, 1000).selectHistory(history);

        assertEquals(1, kept.size());
        String text = kept.get(0).text();
        assertTrue(text.length() <= 120, "kept " + text.length());
        assertTrue(text.startsWith("start "));
        assertTrue(text.endsWith(" end"));
        assertTrue(text.contains("characters cut"));
    }

    @Test
    void blankTurnsAreSkippedAndSameRoleTurnsMerge() {
        List<HistoryTurn> history = List.of(
                new HistoryTurn("user", "first try"), new HistoryTurn("assistant", "  "),
                new HistoryTurn("user", "second try"));

        List<ChatMessage> messages = new PromptBuilder(1000, 1000)
                .build(new ModelRequest(history, "third", null, "chat"));

        assertEquals(2, messages.size());
        assertEquals("first try\n\nsecond try\n\nthird", lastUserText(messages));
    }

    @Test
    void zeroHistoryBudgetSendsNoHistory() {
        List<ChatMessage> messages = new PromptBuilder(0, 1000).build(new ModelRequest(
                List.of(new HistoryTurn("user", "q"), new HistoryTurn("assistant", "a")), "next", null, null));

        assertEquals(2, messages.size());
    }

    @Test
    void outputsAreJoinedAsTextOnePerLine() {
        NotebookContext context = new NotebookContext(null, new ActiveCell("print('printed'); 42",
                List.of("printed\n", "42", "", "[image/png]"), null, "code", 3L), null, null);

        String block = new PromptBuilder(1000, 1000).renderContext(context);

        assertTrue(block.contains("Output of the active cell:\n```text\nprinted\n42\n[image/png]\n```"), block);
        assertFalse(block.contains("[\""), block);
    }

    @Test
    void aMarkdownCellIsFencedAsMarkdown() {
        NotebookContext context = new NotebookContext(null,
                new ActiveCell("# Results\nThe *mean* is low.", List.of(), null, "markdown", null), null, null);

        String block = new PromptBuilder(1000, 1000).renderContext(context);

        assertTrue(block.contains("```markdown\n# Results"), block);
    }
}
