package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Intermediate tensors of one forward pass under the parity fixtures' names ("h.0", "layer0.alpha",
 * "layer0.box_R", "pooled", ...), for tests and debugging. Gradients of non-leaf tensors (∂L/∂a, ∂L/∂α),
 * which DJL cannot retain, are read from zero "probe" leaves the forward adds to them: after the backward,
 * {@link #probeGradient} gives ∂L/∂a under "layer{l}.grad_a" and ∂L/∂α under "layer{l}.grad_alpha".
 */
public final class CrystalformerTrace {

    private final Map<String, NDArray> values = new LinkedHashMap<>();
    private final Map<String, NDArray> probes = new LinkedHashMap<>();

    void put(String name, NDArray value) {
        values.put(name, value);
    }

    /** A zero leaf shaped like the template, requiring a gradient, registered under the name. */
    NDArray probe(String name, NDArray template) {
        NDArray z = template.getManager().zeros(template.getShape(), template.getDataType());
        z.setRequiresGradient(true);
        probes.put(name, z);
        return z;
    }

    java.util.Collection<NDArray> probes() {
        return probes.values();
    }

    /** The recorded tensors, in recording order. */
    public Map<String, NDArray> values() {
        return values;
    }

    public NDArray get(String name) {
        return values.get(name);
    }

    /** ∂L/∂(probed tensor) after a backward (null when the name was not probed). */
    public NDArray probeGradient(String name) {
        NDArray p = probes.get(name);
        return p == null ? null : p.getGradient();
    }
}
