package org.xtal4j.nn.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An ordered, immutable map of named tensors plus string metadata: the content of a safetensors file, or
 * a model's weights ("state dict"). {@link #source()} names where it came from, for error messages.
 */
public final class NamedTensors {

    private final Map<String, HostTensor> tensors;
    private final Map<String, String> metadata;
    private final String source;

    public NamedTensors(Map<String, HostTensor> tensors, Map<String, String> metadata, String source) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            Objects.requireNonNull(k, "tensor name");
            Objects.requireNonNull(v, "tensor " + k);
            if (k.equals(Safetensors.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + k + "' is reserved for metadata, not a tensor name");
            }
            t.put(k, v);
        });
        this.tensors = Collections.unmodifiableMap(t);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.source = source == null ? "tensors" : source;
    }

    public NamedTensors(Map<String, HostTensor> tensors) {
        this(tensors, Map.of(), null);
    }

    /** Copies the arrays' values; every array needs a name ({@link NDArray#setName}). */
    public static NamedTensors fromNDList(NDList arrays, Map<String, String> metadata) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        for (NDArray a : arrays) {
            String name = a.getName();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("array " + a.getShape() + " has no name");
            }
            if (t.put(name, HostTensor.fromNDArray(a)) != null) {
                throw new IllegalArgumentException("two arrays are named '" + name + "'");
            }
        }
        return new NamedTensors(t, metadata, null);
    }

    /** Copies the arrays' values under the map's keys. */
    public static NamedTensors fromNDArrays(Map<String, NDArray> arrays, Map<String, String> metadata) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        arrays.forEach((k, a) -> t.put(k, HostTensor.fromNDArray(a)));
        return new NamedTensors(t, metadata, null);
    }

    /** New NDArrays (named after the tensors, in this order) owned by {@code manager}. */
    public NDList toNDList(NDManager manager) {
        NDList list = new NDList(tensors.size());
        tensors.forEach((k, v) -> {
            NDArray a = v.toNDArray(manager);
            a.setName(k);
            list.add(a);
        });
        return list;
    }

    public Map<String, HostTensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public String source() {
        return source;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public int size() {
        return tensors.size();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor; IllegalArgumentException naming the source and some of the names it has. */
    public HostTensor get(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            List<String> names = List.copyOf(tensors.keySet());
            String some = names.size() <= 12 ? names.toString()
                    : names.subList(0, 12).toString().replace("]", ", ... (" + names.size() + " in all)]");
            throw new IllegalArgumentException(source + ": no tensor '" + name + "'; it has " + some);
        }
        return t;
    }

    /** The named tensor, checked to have the given shape. */
    public HostTensor get(String name, long... shape) {
        HostTensor t = get(name);
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        }
        return t;
    }

    /** The same tensors with a different source label. */
    public NamedTensors withSource(String newSource) {
        return new NamedTensors(tensors, metadata, newSource);
    }

    /** The same tensors with other metadata. */
    public NamedTensors withMetadata(Map<String, String> newMetadata) {
        return new NamedTensors(tensors, newMetadata, source);
    }

    /** Equal tensors (names, order-independent, dtypes, shapes, bytes) and equal metadata. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensors && tensors.equals(((NamedTensors) o).tensors)
                && metadata.equals(((NamedTensors) o).metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tensors, metadata);
    }

    @Override
    public String toString() {
        return source + " (" + tensors.size() + " tensors)";
    }
}
