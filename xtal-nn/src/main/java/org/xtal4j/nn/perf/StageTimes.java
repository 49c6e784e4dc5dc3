package org.xtal4j.nn.perf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall-clock time spent per named stage of a model's step ("geometry", "periodic sums", "attention", ...),
 * summed over all calls since the last {@link #reset()}. Off by default: {@link #time} then costs one volatile
 * read, so models may call it on hot paths. {@code xtal bench} switches it on to print its breakdown.
 */
public final class StageTimes {

    private static volatile boolean enabled;
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();
    private static final Timer OFF = () -> { };

    private StageTimes() {
    }

    /** A running measurement; closing it adds the elapsed time to its stage. */
    @FunctionalInterface
    public interface Timer extends AutoCloseable {
        @Override
        void close();
    }

    public static void enable(boolean on) {
        enabled = on;
    }

    public static boolean enabled() {
        return enabled;
    }

    /** Starts timing {@code stage}; use in try-with-resources. */
    public static Timer time(String stage) {
        if (!enabled) {
            return OFF;
        }
        long start = System.nanoTime();
        return () -> add(stage, System.nanoTime() - start);
    }

    /** Adds a measured duration to a stage (for work timed elsewhere, e.g. on worker threads). */
    public static void add(String stage, long nanos) {
        if (enabled) {
            NANOS.computeIfAbsent(stage, k -> new LongAdder()).add(nanos);
        }
    }

    /** Nanoseconds per stage since the last reset, in first-seen order of the stage names sorted by name. */
    public static Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        NANOS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), e.getValue().sum()));
        return out;
    }

    public static void reset() {
        NANOS.clear();
    }
}
