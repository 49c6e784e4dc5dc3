package org.xtal4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xtal4j.nn.io.HostTensor;

/**
 * Adam and AdamW on NDArrays, step for step as PyTorch's single-tensor {@code torch.optim.Adam} /
 * {@code AdamW} (the CPU path), because DJL's built-in optimisers differ (no bias correction in the same
 * place, other eps placement). For each parameter with a gradient g at its step t (counted per parameter):
 * <pre>
 * AdamW: p ← p·(1 − lr·wd)                Adam: g ← g + wd·p
 * m ← m + (1 − β1)(g − m)                 (lerp)
 * v ← β2·v + (1 − β2)·g·g
 * v̂ = amsgrad ? (vmax ← max(vmax, v)) : v
 * p ← p − (lr / (1 − β1ᵗ)) · m / (sqrt(v̂) / sqrt(1 − β2ᵗ) + eps)
 * </pre>
 * Parameters without a gradient (null in the map) are skipped entirely, as PyTorch skips {@code grad is None}.
 * Weight decay comes from the parameter's {@link Group}. State (m, v, vmax) lives in the optimiser's own
 * manager; the step's temporaries are closed by an {@link NDScope}.
 */
public final class Adam implements AutoCloseable {

    /** A weight-decay group: the parameter names it holds and its decay. */
    public record Group(String name, List<String> parameters, double weightDecay) {
        public Group {
            parameters = List.copyOf(parameters);
        }
    }

    private final boolean decoupled;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean amsgrad;
    private final Map<String, Double> decay = new HashMap<>();
    private final List<Group> groups;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final Map<String, NDArray> vmax = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();

    /**
     * @param decoupled true for AdamW (decay applied to the weights), false for Adam (L2 added to the gradient)
     * @param manager   a parent manager; the optimiser state lives in a sub-manager closed by {@link #close}
     */
    public Adam(boolean decoupled, double beta1, double beta2, double eps, boolean amsgrad, List<Group> groups,
                NDManager manager) {
        this.decoupled = decoupled;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
        this.groups = List.copyOf(groups);
        for (Group g : this.groups) {
            for (String p : g.parameters()) {
                if (decay.put(p, g.weightDecay()) != null) {
                    throw new IllegalArgumentException("parameter '" + p + "' is in two groups");
                }
            }
        }
        this.manager = manager.newSubManager();
    }

    /**
     * Two groups as the Crystalformer reference builds them: names containing {@code pattern} (biases)
     * with {@code nodecayWd}, all others with {@code wd}; in that order (group 0 = the pattern group).
     */
    public static List<Group> groupsByPattern(Iterable<String> names, String pattern, double nodecayWd, double wd) {
        List<String> nodecay = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String n : names) {
            (n.contains(pattern) ? nodecay : rest).add(n);
        }
        return List.of(new Group("nodecay", nodecay, nodecayWd), new Group("decay", rest, wd));
    }

    public List<Group> groups() {
        return groups;
    }

    /**
     * One optimiser step at learning rate {@code lr}, updating {@code params} in place.
     *
     * @param params parameter arrays by name (every name must be in a group)
     * @param grads  gradients by name; a missing or null gradient skips the parameter
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String name = e.getKey();
                NDArray g = grads.get(name);
                if (g == null) {
                    continue;
                }
                Double wdBoxed = decay.get(name);
                if (wdBoxed == null) {
                    throw new IllegalArgumentException("parameter '" + name + "' is in no optimiser group");
                }
                double wd = wdBoxed;
                NDArray p = e.getValue();
                NDArray mt = state(m, name, p);
                NDArray vt = state(v, name, p);
                long t = steps.merge(name, 1L, Long::sum);
                if (wd != 0) {
                    if (decoupled) {
                        p.muli(1 - lr * wd);
                    } else {
                        g = g.add(p.mul(wd));
                    }
                }
                mt.addi(g.sub(mt).muli(1 - beta1));
                vt.muli(beta2).addi(g.mul(1 - beta2).muli(g));
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
                NDArray second = vt;
                if (amsgrad) {
                    NDArray vm = state(vmax, name, p);
                    NDArray mx = vm.maximum(vt);
                    mx.copyTo(vm);
                    second = vm;
                }
                NDArray denom = second.sqrt().divi(bc2Sqrt).addi(eps);
                p.addi(mt.mul(-lr / bc1).divi(denom));
            }
        }
    }

    private NDArray state(Map<String, NDArray> map, String name, NDArray like) {
        NDArray s = map.get(name);
        if (s == null) {
            s = manager.zeros(like.getShape(), like.getDataType());
            NDScope.unregister(s);
            map.put(name, s);
        }
        return s;
    }

    /** Steps taken by a parameter (0 if never updated). */
    public long steps(String name) {
        return steps.getOrDefault(name, 0L);
    }

    /** The state as host tensors ("m.NAME", "v.NAME", "vmax.NAME") plus the step counts. */
    public State saveState() {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        m.forEach((k, a) -> t.put("m." + k, HostTensor.fromNDArray(a)));
        v.forEach((k, a) -> t.put("v." + k, HostTensor.fromNDArray(a)));
        vmax.forEach((k, a) -> t.put("vmax." + k, HostTensor.fromNDArray(a)));
        return new State(t, new LinkedHashMap<>(steps));
    }

    /** Restores a state saved by {@link #saveState} (replacing the current one). */
    public void loadState(State s) {
        close(m);
        close(v);
        close(vmax);
        steps.clear();
        steps.putAll(s.steps());
        s.tensors().forEach((k, h) -> {
            int dot = k.indexOf('.');
            String kind = k.substring(0, dot);
            String name = k.substring(dot + 1);
            NDArray a = h.toNDArray(manager);
            switch (kind) {
                case "m" -> m.put(name, a);
                case "v" -> v.put(name, a);
                case "vmax" -> vmax.put(name, a);
                default -> throw new IllegalArgumentException("unknown optimiser state tensor '" + k + "'");
            }
        });
    }

    private static void close(Map<String, NDArray> map) {
        map.values().forEach(NDArray::close);
        map.clear();
    }

    /** Host copy of the optimiser state. */
    public record State(Map<String, HostTensor> tensors, Map<String, Long> steps) {
        public State {
            tensors = Map.copyOf(Objects.requireNonNull(tensors));
            steps = Map.copyOf(Objects.requireNonNull(steps));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
