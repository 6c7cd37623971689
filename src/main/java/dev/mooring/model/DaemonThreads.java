package dev.mooring.model;

import java.util.concurrent.ThreadFactory;

/** Threads of the model layer's own executors: named for thread dumps, and daemons, so none of them holds a JVM up. */
final class DaemonThreads {

    private DaemonThreads() {
    }

    static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
