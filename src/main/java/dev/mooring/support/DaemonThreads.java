package dev.mooring.support;

import java.util.concurrent.ThreadFactory;

/** Threads of the service's own executors: named for thread dumps, and daemons, so none of them holds a JVM up. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
