package org.xtal4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Function;
import com.sun.jna.Pointer;

/**
 * Autograd operations DJL does not expose, needed for training on forces (PET: F = −∂E/∂r inside the
 * loss, i.e. double backward; specs/djl-backend.md §4.3). Usage inside a {@code GradientCollector}:
 * <pre>
 * pos.setRequiresGradient(true);
 * NDArray e = ...;                                   // energy [B], built from pos and the parameters
 * Autograd.backwardCreateGraph(e.sum());             // keeps the graph and records it for pos.grad
 * NDArray forces = pos.getGradient().neg();          // differentiable w.r.t. the parameters
 * Autograd.zeroGrad(params);                         // the first backward wrote dE/dθ into them
 * Autograd.backward(loss(e, forces));                // the real gradients
 * Autograd.detachGrad(pos); Autograd.detachGrads(params);   // break the grad → graph → leaf cycle
 * </pre>
 * Without the final detach, every step leaks its whole graph (about 24 MB per step in the PET toy).
 */
public final class Autograd {

    private static Function detachInPlace;

    private Autograd() {
    }

    /** Ordinary backward of a scalar (or of the sum of a tensor's elements), freeing the graph. */
    public static void backward(NDArray output) {
        backward(output, false, false);
    }

    /** Backward that keeps the graph and records the gradient's own graph (create_graph=True). */
    public static void backwardCreateGraph(NDArray output) {
        backward(output, true, true);
    }

    /** torch.autograd.backward(output, ones_like(output), retain_graph, create_graph). */
    public static void backward(NDArray output, boolean keepGraph, boolean createGraph) {
        try (NDArray ones = output.onesLike()) {
            JniUtils.backward((PtNDArray) output, (PtNDArray) ones, keepGraph, createGraph);
        }
    }

    /** Sets the accumulated gradient of each leaf to zero (in place, like DJL's trainer does). */
    public static void zeroGrad(Iterable<NDArray> leaves) {
        for (NDArray leaf : leaves) {
            if (leaf.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) leaf);
            }
        }
    }

    /**
     * Detaches the leaf's {@code .grad} from its autograd graph in place (PyTorch users write
     * {@code p.grad = None}). DJL has no API for it, so this calls {@code at::_ops::detach_::call} through
     * JNA on a handle that shares the gradient's TensorImpl. The gradient values are kept, so the optimiser
     * step that follows still sees them. A leaf without a gradient is left alone.
     */
    public static void detachGrad(NDArray leaf) {
        if (!leaf.hasGradient()) {
            return;
        }
        Function f = detachFunction();
        PtNDArray g = JniUtils.getGradient((PtNDArray) leaf);
        if (g == null) {
            return; // requires grad, but no backward has written a gradient yet
        }
        try (g) {
            f.invokePointer(new Object[] {new Pointer(((PtNDArray) g).getHandle())});
        }
    }

    /** {@link #detachGrad} for every leaf. */
    public static void detachGrads(Iterable<NDArray> leaves) {
        for (NDArray leaf : leaves) {
            detachGrad(leaf);
        }
    }

    private static synchronized Function detachFunction() {
        if (detachInPlace == null) {
            // at::_ops::detach_::call(at::Tensor&); checked on libtorch 2.5.1 and 2.7.1
            detachInPlace = Backend.Natives.libtorchCpu().getFunction("_ZN2at4_ops7detach_4callERNS_6TensorE");
        }
        return detachInPlace;
    }
}
