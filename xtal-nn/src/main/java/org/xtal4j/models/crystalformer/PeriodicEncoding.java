package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.xtal4j.nn.Scalars;

/**
 * The periodic encodings of one crystal from its {@link CrystalformerGeometry} arrays: real-space α and β
 * (crystalformer.md §6.3–§6.4, per-(atom, head) boxes as the reference's CUDA kernels, or the fixed box) and
 * reciprocal-space α (§7). Plain autograd operations; their gradients are the formulas of §6.6.
 */
final class PeriodicEncoding {

    private PeriodicEncoding() {
    }

    /**
     * Real-space α (n, n, Hr) and β (n, n, Hr, d) of one crystal (§6.3, §6.4): log-sum-exp over the
     * translations of each (i, h) box of a_ih·|r_ij + L n|², and the softmax-weighted radial basis through W^E.
     */
    static NDArray[] realSpace(CrystalformerConfig cfg, int l, NDArray a, CrystalformerGeometry.Arrays g,
                               NDArray weh, int rbf, long n, int hr, NDList boxes, NDList psis) {
        NDArray d2 = g.d2();                                    // (n, n, T)
        long t = d2.getShape().get(2);
        NDArray s = a.reshape(n, 1, hr, 1).mul(d2.reshape(n, n, 1, t)); // (n, n, Hr, T)
        NDArray mask = null;
        if (cfg.adaptiveBoxes()) {
            NDArray ad = a.stopGradient();
            NDArray cutoff = cfg.adaptiveCutoffSigma() < 0
                    ? ad.mul(-2).pow(-0.5).mul(-cfg.adaptiveCutoffSigma())       // |v|·σ_ih
                    : ad.onesLike().mul(cfg.r0(l) / Math.sqrt(cfg.gaussLbReal()) * cfg.adaptiveCutoffSigma());
            NDArray r = cutoff.add(0.01).reshape(n, hr, 1).mul(g.bOver2Pi().reshape(1, 1, 3)).ceil();
            if (cfg.minimumRange()) {
                r = r.maximum(cfg.latticeRange());
            }
            if (boxes != null) {
                boxes.add(r);
            }
            NDArray inside = g.absN().reshape(1, 1, t, 3).lte(r.reshape(n, hr, 1, 3))
                    .toType(d2.getDataType(), false).min(new int[] {3});       // (n, Hr, T): 1 inside the box
            mask = inside.reshape(n, 1, hr, t);
        }
        NDArray sd = s.stopGradient();
        if (mask != null) {
            sd = NDArrays.where(mask.gt(0.5).broadcast(sd.getShape()), sd, sd.onesLike().mul(Double.NEGATIVE_INFINITY));
        }
        NDArray m = sd.max(new int[] {3}, true);              // nearest image in the box (a < 0)
        NDArray e = s.sub(m).clip(-80.0, 0.0).exp();        // clip only guards float32 underflow, §6.7
        if (mask != null) {
            e = e.mul(mask);
        }
        NDArray z = e.sum(new int[] {3}, true);
        NDArray alpha = z.log().add(m).squeeze(3);           // (n, n, Hr)
        NDArray beta = null;
        if (weh != null) {
            NDArray p = e.div(z).reshape(n * n, hr, t);
            NDArray psi = p.matMul(g.phi().get(rbf));           // (n², Hr, K)
            if (psis != null) {
                psis.add(psi);
            }
            beta = psi.transpose(1, 0, 2).matMul(weh.transpose(0, 2, 1))   // (Hr, n², d)
                    .transpose(1, 0, 2).reshape(n, n, hr, cfg.headDim());
        }
        return new NDArray[] {alpha, beta};
    }

    /** Reciprocal-space α (n, n, Hk) of one crystal (§7), fixed k-box, clamp at 1e-6, signed volume. */
    static NDArray reciprocalSpace(NDArray a, CrystalformerGeometry.Arrays g, long n, int hk) {
        NDArray k2 = g.k2();
        long tk = k2.getShape().get(0);
        NDArray ex = a.reshape(n, hk, 1).mul(k2.reshape(1, 1, tk)).exp().transpose(0, 2, 1); // (n, Tk, Hk)
        NDArray sum = g.cosKr().matMul(ex);                                             // (n, n, Hk)
        NDArray extra = Scalars.mul(Scalars.mul(a, -4 * Math.PI).log(), 1.5).sub(g.logV()).reshape(n, 1, hk);
        return Scalars.maximum(sum, 1e-6).log().add(extra);
    }
}
