package dev.mooring.api;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A failure as the log may show it: the kind of each exception in its cause chain, with its SQL state and vendor
 * code, and the original stack traces, but no message. A database's message can quote the row it refused (a
 * question, an answer), and logs never carry what the user sent or the model wrote.
 */
public final class RedactedFailure extends RuntimeException {

    private static final int MAX_CHAIN = 32;

    private RedactedFailure(String description, RedactedFailure cause, StackTraceElement[] stack) {
        super(description, cause, false, true);
        setStackTrace(stack);
    }

    /** {@code failure} and its causes without their messages. */
    public static RedactedFailure of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < MAX_CHAIN && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        RedactedFailure redacted = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            redacted = new RedactedFailure(describe(chain.get(i)), redacted, chain.get(i).getStackTrace());
        }
        return redacted;
    }

    /** The kind of {@code t}, and for a database error its SQL state and vendor code: what is safe to print. */
    static String describe(Throwable t) {
        String kind = t.getClass().getName();
        return t instanceof SQLException sql
                ? kind + " (SQL state " + sql.getSQLState() + ", code " + sql.getErrorCode() + ")" : kind;
    }

    /** Whether a database error is in {@code failure}'s cause chain. */
    public static boolean fromDatabase(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < MAX_CHAIN; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
