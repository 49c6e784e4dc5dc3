package org.xtal4j.nn.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryProbeTest {

    @Test
    void heapPeakSeesAShortLivedAllocation() {
        MemoryProbe.resetHeapPeak();
        long before = MemoryProbe.heapPeak();
        byte[] big = new byte[64 << 20];
        big[big.length - 1] = 1;
        assertThat(MemoryProbe.heapPeak() - before).isGreaterThanOrEqualTo(60L << 20);
        assertThat(MemoryProbe.heapPeak()).isGreaterThanOrEqualTo(MemoryProbe.heapUsed() - (1L << 20));
    }

    @Test
    void residentSetFromProcStatus() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux /proc needed");
        long rss = MemoryProbe.rss().orElseThrow();
        long peak = MemoryProbe.rssPeak().orElseThrow();
        assertThat(rss).isGreaterThan(1L << 20);
        assertThat(peak).isGreaterThanOrEqualTo(rss);
        assertThat(MemoryProbe.statusBytes("NoSuchKey")).isEmpty();
    }
}
