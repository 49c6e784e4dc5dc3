package org.xtal4j.nn.perf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Memory of this process: the JVM heap (sum over heap pools, including each pool's peak) and, on Linux,
 * the resident set size from {@code /proc/self/status} (VmRSS now, VmHWM its peak). The RSS covers the Java
 * heap and the native memory of libtorch together, so it is what a 4 GB budget is checked against.
 */
public final class MemoryProbe {

    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /** Heap bytes in use now. */
    public static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Sum of the heap pools' peak usage since the start or the last {@link #resetHeapPeak()}. */
    public static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : heapPools()) {
            sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Starts a new heap-peak measurement (the pools' peaks drop to their current usage). */
    public static void resetHeapPeak() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Resident set size now (VmRSS), empty where /proc is unavailable. */
    public static OptionalLong rss() {
        return statusBytes("VmRSS");
    }

    /** Peak resident set size of the process (VmHWM), empty where /proc is unavailable. */
    public static OptionalLong rssPeak() {
        return statusBytes("VmHWM");
    }

    /** A line "KEY:  N kB" of /proc/self/status in bytes. */
    static OptionalLong statusBytes(String key) {
        if (!Files.isReadable(STATUS)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + ":")) {
                    String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                    long v = Long.parseLong(f[0]);
                    return OptionalLong.of(f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }
}
