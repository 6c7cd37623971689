package dev.mooring.bench;

/** CPU time of some processes and of this one (the load) over one stretch of wall-clock time, from /proc. */
final class CpuMeter {

    private static final long SELF = ProcessHandle.current().pid();

    private final long[] pids;
    private final double[] startCpu;
    private final double[] startWait;
    private double startSelf;
    private long startNanos;

    CpuMeter(long... pids) {
        this.pids = pids;
        this.startCpu = new double[pids.length];
        this.startWait = new double[pids.length];
    }

    CpuMeter start() {
        for (int i = 0; i < pids.length; i++) {
            startCpu[i] = ServerProcess.cpuSeconds(pids[i]);
            startWait[i] = runQueueSeconds(pids[i]);
        }
        startSelf = ServerProcess.cpuSeconds(SELF);
        startNanos = System.nanoTime();
        return this;
    }

    /**
     * CPU seconds used since {@link #start} by each measured process (in order), the seconds its threads spent
     * runnable but waiting for a CPU (the machine's other work, or its own threads queueing), and the load's CPU.
     */
    record Reading(double[] cpuSeconds, double[] waitSeconds, double loadCpuSeconds, double wallSeconds) {
        /** CPU milliseconds of process {@code i} per 1,000 {@code units} (chunks, sessions...). */
        double msPerThousand(int i, long units) {
            return cpuSeconds[i] * 1e6 / units;
        }

        /** Share of one core that process {@code i} kept busy, in percent. */
        double percentOfCore(int i) {
            return 100 * cpuSeconds[i] / wallSeconds;
        }

        /** How many of process {@code i}'s threads were, on average, ready to run but waiting for a CPU. */
        double waitingThreads(int i) {
            return waitSeconds[i] / wallSeconds;
        }

        double loadMsPerThousand(long units) {
            return loadCpuSeconds * 1e6 / units;
        }
    }

    /** Time all threads of {@code pid} have spent runnable but not running, from {@code /proc/<pid>/task/<tid>/schedstat}. */
    static double runQueueSeconds(long pid) {
        long nanos = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(pid), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    nanos += Long.parseLong(java.nio.file.Files.readString(task.resolve("schedstat")).split(" ")[1]);
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot list the threads of " + pid, e);
        }
        return nanos / 1e9;
    }

    /** Lets {@code seconds} pass, then {@link #stop}s. */
    Reading waitAndStop(long seconds) {
        ServerProcess.pause(seconds * 1000);
        return stop();
    }

    Reading stop() {
        double[] used = new double[pids.length];
        double[] waited = new double[pids.length];
        for (int i = 0; i < pids.length; i++) {
            used[i] = ServerProcess.cpuSeconds(pids[i]) - startCpu[i];
            waited[i] = runQueueSeconds(pids[i]) - startWait[i];
        }
        return new Reading(used, waited, ServerProcess.cpuSeconds(SELF) - startSelf,
                (System.nanoTime() - startNanos) / 1e9);
    }
}
