package dev.mooring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CPU time of some processes and of this one (the load) over one stretch of wall-clock time, from /proc. */
final class CpuMeter {

    private static final long SELF = ProcessHandle.current().pid();

    private final long[] pids;
    private final double[] startCpu;
    private final List<Map<String, Long>> startWait = new ArrayList<>();
    private Map<String, ThreadCpu.Sample> startThreads = Map.of();
    private final Map<String, ThreadCpu.Sample> lastThreads = new java.util.concurrent.ConcurrentHashMap<>();
    private Thread sampler;
    private double startSelf;
    private long startNanos;

    CpuMeter(long... pids) {
        this.pids = pids;
        this.startCpu = new double[pids.length];
    }

    CpuMeter start() {
        for (int i = 0; i < pids.length; i++) {
            startCpu[i] = ServerProcess.cpuSeconds(pids[i]);
            startWait.add(runQueueNanos(pids[i]));
        }
        if (pids.length > 0) {
            startThreads = ThreadCpu.sample(pids[0]);
            // threads that end during the load (a model call's) are counted up to their last sample
            sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    lastThreads.putAll(ThreadCpu.sample(pids[0]));
                    ServerProcess.pause(200);
                }
            }, "bench-thread-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
        startSelf = ServerProcess.cpuSeconds(SELF);
        startNanos = System.nanoTime();
        return this;
    }

    /**
     * CPU seconds used since {@link #start} by each measured process (in order), the seconds its threads spent
     * runnable but waiting for a CPU (the machine's other work, or its own threads queueing), the first process's CPU
     * seconds by thread group ({@link ThreadCpu}), and the load's CPU.
     */
    record Reading(double[] cpuSeconds, double[] waitSeconds, Map<String, Double> firstByThreads, double loadCpuSeconds,
            double wallSeconds) {
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

    /**
     * Nanoseconds each thread of {@code pid} has spent runnable but not running, by thread id, from
     * {@code /proc/<pid>/task/<tid>/schedstat}. A thread that ends during a load takes its share with it.
     */
    static Map<String, Long> runQueueNanos(long pid) {
        Map<String, Long> byThread = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    byThread.put(task.getFileName().toString(),
                            Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[1]));
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the threads of " + pid, e);
        }
        return byThread;
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
            Map<String, Long> before = startWait.get(i);
            waited[i] = runQueueNanos(pids[i]).entrySet().stream()
                    .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum() / 1e9;
        }
        Map<String, Double> byThreads = Map.of();
        if (pids.length > 0) {
            sampler.interrupt();
            lastThreads.putAll(ThreadCpu.sample(pids[0]));
            byThreads = ThreadCpu.between(startThreads, lastThreads, used[0]);
        }
        return new Reading(used, waited, byThreads, ServerProcess.cpuSeconds(SELF) - startSelf,
                (System.nanoTime() - startNanos) / 1e9);
    }
}
