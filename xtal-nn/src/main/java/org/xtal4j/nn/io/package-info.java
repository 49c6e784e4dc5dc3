/**
 * Tensors in Java memory and the safetensors format: {@link org.xtal4j.nn.io.HostTensor} (dtype, shape,
 * little-endian bytes), {@link org.xtal4j.nn.io.NamedTensors} (an ordered name → tensor map with
 * metadata) and {@link org.xtal4j.nn.io.Safetensors} (strict reader, deterministic atomic writer). Used for
 * model weights and for the parity fixtures of the reference implementations.
 */
package org.xtal4j.nn.io;
