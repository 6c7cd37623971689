package dev.mooring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of a process's threads, grouped by what their names say they are (Linux keeps 15 characters of a name),
 * from {@code /proc/<pid>/task/<tid>/stat}: a breakdown of the service's CPU that needs no profiler.
 */
final class ThreadCpu {

    /** The groups, in the order of the table; a thread goes to the first whose pattern finds its name. */
    static final Map<String, Pattern> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("JIT compiler", Pattern.compile("CompilerThre"));
        GROUPS.put("GC", Pattern.compile("^GC |^G1 |VM Thread"));
        GROUPS.put("Vert.x event loops (WebSocket writes and reads)", Pattern.compile("vert\\.x-eventloo"));
        GROUPS.put("Quarkus workers (inbound frames, accepting questions)", Pattern.compile("executor-thread"));
        GROUPS.put("JDK HTTP client (model server connections)", Pattern.compile("HttpClient-"));
        GROUPS.put("model-call and unnamed threads (LangChain4j's stream, the completion)",
                Pattern.compile("model-call|^Thread-"));
        GROUPS.put("checkpointer", Pattern.compile("mooring-checkpo"));
    }

    static final String REST = "other threads, and what threads that ended used after their last sample";

    private ThreadCpu() {
    }

    /** Clock ticks used so far by each live thread, by thread id, with the thread's group. */
    record Sample(String group, long ticks) {
    }

    static Map<String, Sample> sample(long pid) {
        Map<String, Sample> threads = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    threads.put(task.getFileName().toString(),
                            new Sample(group(name), Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the threads of " + pid, e);
        }
        return threads;
    }

    private static String group(String name) {
        return GROUPS.entrySet().stream().filter(g -> g.getValue().matcher(name).find()).map(Map.Entry::getKey)
                .findFirst().orElse(REST);
    }

    /** CPU seconds by group between two samples; what no live thread accounts for goes to {@link #REST}. */
    static Map<String, Double> between(Map<String, Sample> before, Map<String, Sample> after, double processSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        GROUPS.keySet().forEach(g -> seconds.put(g, 0.0));
        double accounted = 0;
        for (Map.Entry<String, Sample> thread : after.entrySet()) {
            Sample earlier = before.get(thread.getKey());
            double used = (thread.getValue().ticks() - (earlier == null ? 0 : earlier.ticks())) / 100.0;
            if (!thread.getValue().group().equals(REST)) {
                seconds.merge(thread.getValue().group(), used, Double::sum);
                accounted += used;
            }
        }
        seconds.put(REST, Math.max(0, processSeconds - accounted));
        return seconds;
    }
}
