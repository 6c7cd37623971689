package dev.mooring.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything the service logs while it is open, as the text a log file would hold: each record's message and every
 * exception in its cause chain with its own message.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();

    private LogCapture() {
    }

    /** Starts capturing from the root logger. */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    /** What was logged so far, one entry per record. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        StringBuilder text = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
        text.append(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append("\n  ").append(t);
        }
        lines.add(text.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
