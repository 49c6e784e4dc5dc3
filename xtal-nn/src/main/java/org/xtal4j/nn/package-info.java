/**
 * The deep-learning backend shared by the models: DJL 0.32 with the PyTorch 2.5.1 engine, run offline
 * from Maven Central jars (specs/djl-backend.md).
 *
 * <ul>
 *   <li>{@link org.xtal4j.nn.Backend}: start the engine once (offline, threads, flush-denormals-to-zero,
 *       jemalloc hint); always obtain managers through it so FTZ is on for the calling thread.</li>
 *   <li>{@link org.xtal4j.nn.NnOps}: clipped exp, masked logsumexp, segment sums: use these rather than
 *       raw {@code exp} / {@code e/Σe}, which are slow on CPU or give NaN gradients.</li>
 *   <li>{@link org.xtal4j.nn.Autograd}: double backward for forces and the in-place gradient detach
 *       that stops its per-step memory leak.</li>
 * </ul>
 *
 * <p>Native-memory rules (leaks are invisible to the Java heap; watch RSS):
 * <ul>
 *   <li>the result of {@code a.op(b)} belongs to {@code a}'s manager: never start a per-step op chain
 *       from a parameter or another long-lived array outside a scope;</li>
 *   <li>wrap each training step in an {@code NDScope} (or a step sub-manager) and close it <em>before</em>
 *       {@code trainer.step()}, whose optimiser state is created lazily and must survive;</li>
 *   <li>{@code toType} and {@code duplicate} cut the autograd graph: keep a differentiable computation in
 *       one dtype (build geometry in double in Java, then feed the model's precision);</li>
 *   <li>a native error (e.g. a bfloat16 or int16 array in DJL 0.32) aborts the whole JVM, not just the call.</li>
 * </ul>
 */
package org.xtal4j.nn;
