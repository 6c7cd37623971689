package dev.mooring.bench;

/** CPU time of some processes and of this one (the load) over one stretch of wall-clock time, from /proc. */
final class CpuMeter {

    private static final long SELF = ProcessHandle.current().pid();

    private final long[] pids;
    private final double[] startCpu;
    private double startSelf;
    private long startNanos;

    CpuMeter(long... pids) {
        this.pids = pids;
        this.startCpu = new double[pids.length];
    }

    CpuMeter start() {
        for (int i = 0; i < pids.length; i++) {
            startCpu[i] = ServerProcess.cpuSeconds(pids[i]);
        }
        startSelf = ServerProcess.cpuSeconds(SELF);
        startNanos = System.nanoTime();
        return this;
    }

    /** CPU seconds used since {@link #start} by each measured process (in order), and by the load, over the wall time. */
    record Reading(double[] cpuSeconds, double loadCpuSeconds, double wallSeconds) {
        /** CPU milliseconds of process {@code i} per 1,000 {@code units} (chunks, sessions...). */
        double msPerThousand(int i, long units) {
            return cpuSeconds[i] * 1e6 / units;
        }

        /** Share of one core that process {@code i} kept busy, in percent. */
        double percentOfCore(int i) {
            return 100 * cpuSeconds[i] / wallSeconds;
        }

        double loadMsPerThousand(long units) {
            return loadCpuSeconds * 1e6 / units;
        }
    }

    /** Lets {@code seconds} pass, then {@link #stop}s. */
    Reading waitAndStop(long seconds) {
        ServerProcess.pause(seconds * 1000);
        return stop();
    }

    Reading stop() {
        double[] used = new double[pids.length];
        for (int i = 0; i < pids.length; i++) {
            used[i] = ServerProcess.cpuSeconds(pids[i]) - startCpu[i];
        }
        return new Reading(used, ServerProcess.cpuSeconds(SELF) - startSelf, (System.nanoTime() - startNanos) / 1e9);
    }
}
