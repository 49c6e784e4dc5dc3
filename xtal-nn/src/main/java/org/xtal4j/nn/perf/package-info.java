/**
 * Measuring instruments for {@code xtal bench}, the JMH benchmarks and docs/performance.md:
 * {@link org.xtal4j.nn.perf.StageTimes} (per-stage wall-clock time, reported by models),
 * {@link org.xtal4j.nn.perf.StepRunner} (one training step or inference batch as the Trainer takes it, timed by
 * stage), {@link org.xtal4j.nn.perf.ThroughputBench} (warm-up, measured steps, throughput and memory),
 * {@link org.xtal4j.nn.perf.MemoryProbe} (heap and resident set), {@link org.xtal4j.nn.perf.MatmulProbe} (the
 * machine's libtorch matmul rate) and {@link org.xtal4j.nn.perf.CrystalformerFlops} (the FLOP model).
 */
package org.xtal4j.nn.perf;
