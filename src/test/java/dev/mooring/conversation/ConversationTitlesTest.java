package dev.mooring.conversation;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.model.NotebookContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversationTitlesTest {

    private static NotebookContext cell(String source, String error, String cellType) {
        return new NotebookContext("analysis.ipynb",
                new NotebookContext.ActiveCell(source, List.of(), error, cellType, 3L), null, null);
    }

    @Test
    void fixingAnErrorIsNamedAfterTheErrorAndTheFunction() {
        NotebookContext context = cell("import statistics\n\ndef mean(values):\n    return sum(values) / len(values)\n",
                "ZeroDivisionError: division by zero\nTraceback (most recent call last): ...", "code");

        assertEquals("Fix ZeroDivisionError in mean()",
                ConversationTitles.summary("Fix this error: ZeroDivisionError: division by zero", "debug", context));
    }

    @Test
    void withoutAFunctionTheFirstLineOfTheCellNamesIt() {
        NotebookContext context = cell("\n# load the sales\ndf = pd.read_csv('sales.csv')", "NameError: name 'pd' is "
                + "not defined", "code");

        assertEquals("Fix NameError in load the sales", ConversationTitles.summary("Fix this error", "debug", context));
    }

    @Test
    void explainingACellIsNamedAfterWhatItDefines() {
        assertEquals("Explain Model", ConversationTitles.summary("Explain this cell.", "explain",
                cell("class Model(nn.Module):\n    pass", null, "code")));
        assertEquals("Explain load_data()", ConversationTitles.summary("Explain this cell.", "explain",
                cell("async def load_data():\n    ...", null, "code")));
        assertEquals("Explain the notes: Results by region", ConversationTitles.summary("Explain this markdown cell.",
                "explain", cell("## Results by region\n\nThe table below…", null, "markdown")));
    }

    @Test
    void twoExplainedCellsGetTwoTitles() {
        String first = ConversationTitles.summary("Explain this cell.", "explain", cell("def a():\n  pass", null, "code"));
        String second = ConversationTitles.summary("Explain this cell.", "explain", cell("x = 1", null, "code"));

        assertEquals("Explain a()", first);
        assertEquals("Explain x = 1", second);
    }

    @Test
    void aChatIsNamedAfterTheFirstLineOfItsQuestion() {
        assertEquals("How do I plot this?", ConversationTitles.summary("\n  How do I   plot this?\nIn seaborn.",
                "chat", cell("df.plot()", null, "code")));
        assertEquals("Explain this cell.", ConversationTitles.summary("Explain this cell.", "explain", null));
    }

    @Test
    void summariesFitOneLineAndHoldNoControlCharacters() {
        String long_ = "Why " + "very ".repeat(40) + "slow?";
        String title = ConversationTitles.summary(long_ + "\u0000", "chat", null);

        assertTrue(title.length() <= ConversationTitles.SUMMARY_LENGTH, title);
        assertTrue(title.endsWith("…"));
        assertEquals("a b", ConversationTitles.summary("a\u0000b", "chat", null));
    }

    @Test
    void summariesNeverHoldHalfOfASurrogatePair() {
        assertEquals("lone \uFFFD here", ConversationTitles.summary("lone \uD83D here", "chat", null));
        String emojiAtTheCut = "x".repeat(ConversationTitles.SUMMARY_LENGTH - 2) + "\uD83D\uDE00 and more";
        String title = ConversationTitles.summary(emojiAtTheCut, "chat", null);

        assertEquals("x".repeat(ConversationTitles.SUMMARY_LENGTH - 2) + "…", title);
    }

    @Test
    void aGivenTitleIsOneLineOfAtMost200Characters() {
        assertEquals("Sales by region, 2024", ConversationTitles.validated("  Sales by\tregion,\n 2024 "));
        assertEquals("x".repeat(200), ConversationTitles.validated("x".repeat(200)));
        for (String bad : new String[] {null, "", "   ", "x".repeat(201), "nul\u0000byte", "bell\u0007",
                "half \uD83D pair"}) {
            ApiException refused = assertThrows(ApiException.class, () -> ConversationTitles.validated(bad));
            assertEquals(ErrorCode.BAD_REQUEST, refused.code(), String.valueOf(bad));
        }
    }
}
