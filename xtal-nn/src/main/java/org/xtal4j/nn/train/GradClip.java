package org.xtal4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.Collection;

/** Gradient clipping as {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}, in place. */
public final class GradClip {

    private GradClip() {
    }

    /**
     * Total L2 norm over all gradients (the norm of the per-tensor norms), then every gradient is multiplied by
     * min(1, maxNorm / (total + 1e-6)), computed in the gradients' precision as PyTorch does.
     *
     * @return the total norm before clipping (0 when there are no gradients)
     */
    public static double clipNorm(Collection<NDArray> grads, double maxNorm) {
        if (grads.isEmpty()) {
            return 0;
        }
        try (NDScope scope = new NDScope()) {
            NDList norms = new NDList(grads.size());
            for (NDArray g : grads) {
                norms.add(g.norm());
            }
            NDArray total = norms.size() == 1 ? norms.get(0) : NDArrays.stack(norms).norm();
            NDArray coef = total.onesLike().divi(total.add(1e-6)).muli(maxNorm).minimum(1.0);   // reciprocal · max_norm as torch
            for (NDArray g : grads) {
                g.muli(coef);
            }
            return total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        }
    }

    /** Clamps every gradient element to [−value, value]. */
    public static void clipValue(Collection<NDArray> grads, double value) {
        try (NDScope scope = new NDScope()) {
            for (NDArray g : grads) {
                g.clip(-value, value).copyTo(g);
            }
        }
    }
}
