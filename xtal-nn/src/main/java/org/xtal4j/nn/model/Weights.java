package org.xtal4j.nn.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;

/**
 * Moves weights between a block's named parameters ({@link ModelPlugin#namedParameters}) and a
 * {@link NamedTensors} map (weights.safetensors, reference checkpoints). Loading checks names and shapes
 * and converts the dtype to the parameter's (e.g. float32 reference weights into a float64 model).
 */
public final class Weights {

    private Weights() {
    }

    /** Copies of the parameter values under their names (the block must be initialised). */
    public static NamedTensors save(Map<String, Parameter> parameters, Map<String, String> metadata) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter '" + name + "' is not initialised");
            }
            out.put(name, HostTensor.fromNDArray(p.getArray()));
        });
        return new NamedTensors(out, metadata, null);
    }

    /**
     * Copies the named tensors into the (initialised) parameters, in place. With {@code strict}, every
     * parameter must be present and every tensor used; otherwise tensors without a parameter are ignored
     * and parameters without a tensor keep their values. Shapes must always match. Errors list every
     * problem and name the weights' source.
     */
    public static void load(Map<String, Parameter> parameters, NamedTensors weights, boolean strict) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            String name = e.getKey();
            if (!weights.contains(name)) {
                if (strict) {
                    problems.add("missing tensor '" + name + "'");
                }
                continue;
            }
            HostTensor t = weights.get(name);
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                problems.add("parameter '" + name + "' is not initialised");
                continue;
            }
            NDArray target = p.getArray();
            long[] want = target.getShape().getShape();
            if (!Arrays.equals(want, t.shape())) {
                problems.add("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", the model needs "
                        + Arrays.toString(want));
            }
        }
        if (strict) {
            for (String name : weights.names()) {
                if (!parameters.containsKey(name)) {
                    problems.add("unexpected tensor '" + name + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(weights.source() + ": weights do not fit the model: "
                    + String.join("; ", problems));
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (weights.contains(e.getKey())) {
                NDArray target = e.getValue().getArray();
                try (NDArray src = weights.get(e.getKey()).toNDArray(target.getManager(), target.getDataType())) {
                    src.copyTo(target);
                }
            }
        }
    }

    /**
     * Transfer learning: copies every tensor whose name and shape fit an initialised parameter and leaves the
     * other parameters as they are (e.g. an output layer for other targets). Returns the names of the
     * parameters left unchanged, in the block's order.
     */
    public static List<String> loadMatching(Map<String, Parameter> parameters, NamedTensors weights) {
        Map<String, HostTensor> fitting = new LinkedHashMap<>();
        List<String> untouched = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            if (weights.contains(name) && p.isInitialized()
                    && Arrays.equals(p.getArray().getShape().getShape(), weights.get(name).shape())) {
                fitting.put(name, weights.get(name));
            } else {
                untouched.add(name);
            }
        }
        load(parameters, new NamedTensors(fitting, Map.of(), weights.source()), false);
        return untouched;
    }
}
