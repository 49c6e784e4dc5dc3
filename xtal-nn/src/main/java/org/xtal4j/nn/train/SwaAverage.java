package org.xtal4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;

/**
 * Equal-weight running average of parameters, as {@code torch.optim.swa_utils.AveragedModel} with its
 * default averaging on CPU: the first update copies, the n-th does avg ← avg + (p − avg) / n.
 */
public final class SwaAverage implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> avg = new LinkedHashMap<>();
    private long count;

    public SwaAverage(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public void update(Map<String, NDArray> params) {
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray a = avg.get(e.getKey());
                if (count == 0 || a == null) {
                    NDArray copy = manager.zeros(e.getValue().getShape(), e.getValue().getDataType());
                    NDScope.unregister(copy);
                    e.getValue().copyTo(copy);
                    avg.put(e.getKey(), copy);
                } else {
                    a.addi(e.getValue().sub(a).divi(count + 1));
                }
            }
        }
        count++;
    }

    /** Updates so far (PyTorch's n_averaged). */
    public long count() {
        return count;
    }

    /** Host copy of the averaged parameters. */
    public NamedTensors weights() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        avg.forEach((k, a) -> out.put(k, HostTensor.fromNDArray(a)));
        return new NamedTensors(out, Map.of(), "swa");
    }

    /** Restores averaged weights and the count (resume). */
    public void load(NamedTensors w, long n) {
        avg.values().forEach(NDArray::close);
        avg.clear();
        w.tensors().forEach((k, h) -> avg.put(k, h.toNDArray(manager)));
        count = n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
