package org.xtal4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import java.util.Locale;

/**
 * Regression losses on normalised [B, T] predictions and targets as the Crystalformer reference reduces
 * them: the element loss summed over targets, then the mean over the batch (for one target this is
 * PyTorch's default mean reduction). Smooth-L1 uses PyTorch's default beta = 1.
 */
public final class Losses {

    private Losses() {
    }

    /** Loss choice of {@code loss_func}; MODEL means the plugin's own {@code loss}. */
    public enum Kind {
        MODEL, L1, MSE, SMOOTH_L1;

        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT).replace("-", "_")) {
                case "model" -> MODEL;
                case "l1", "mae" -> L1;
                case "mse", "l2" -> MSE;
                case "smooth_l1", "smoothl1", "huber" -> SMOOTH_L1;
                default -> throw new IllegalArgumentException("unknown loss_func '" + s
                        + "'; known: model, L1, MSE, Smooth_L1");
            };
        }
    }

    public static NDArray of(Kind kind, NDArray prediction, NDArray target) {
        return switch (kind) {
            case L1 -> l1(prediction, target);
            case MSE -> mse(prediction, target);
            case SMOOTH_L1 -> smoothL1(prediction, target);
            case MODEL -> throw new IllegalArgumentException("the model loss comes from the plugin");
        };
    }

    public static NDArray l1(NDArray prediction, NDArray target) {
        return reduce(prediction.sub(target).abs());
    }

    public static NDArray mse(NDArray prediction, NDArray target) {
        return reduce(prediction.sub(target).square());
    }

    /** 0.5·d² where |d| &lt; 1, |d| − 0.5 elsewhere. */
    public static NDArray smoothL1(NDArray prediction, NDArray target) {
        NDArray d = prediction.sub(target);
        NDArray a = d.abs();
        NDArray e = NDArrays.where(a.lt(1.0), d.square().mul(0.5), a.sub(0.5));
        return reduce(e);
    }

    private static NDArray reduce(NDArray elementLoss) {
        NDArray perSample = elementLoss.getShape().dimension() > 1 ? elementLoss.sum(new int[] {1}) : elementLoss;
        return perSample.mean();
    }
}
