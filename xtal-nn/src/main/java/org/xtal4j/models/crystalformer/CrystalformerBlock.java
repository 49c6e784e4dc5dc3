package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.xtal4j.nn.HostArrays;
import org.xtal4j.nn.Scalars;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.perf.StageTimes;

/**
 * The Crystalformer network (crystalformer.md §1–§10): occupancy-weighted one-hot embedding, L encoder
 * blocks without LayerNorm (pseudo-finite periodic attention + feed-forward, residuals), mean pooling and
 * the final MLP. Parameters carry the reference's state-dict names.
 *
 * <p>Inputs ({@link CrystalformerPlugin#collate}): x (N, 98), sizes (B) int64, then the per-crystal arrays
 * of {@link CrystalformerGeometry#toNDList}. Output: normalised predictions (B, n_targets). Crystals are
 * processed one after the other for the per-edge parts (no padding), as the reference's split-based code.
 */
public final class CrystalformerBlock extends AbstractBlock {

    private final CrystalformerConfig cfg;
    private final int nTargets;
    private final Map<String, Parameter> named = new LinkedHashMap<>();

    public CrystalformerBlock(CrystalformerConfig cfg, int nTargets) {
        this.cfg = cfg;
        this.nTargets = nTargets;
        int dm = cfg.modelDim();
        int h = cfg.headNum();
        param("input_embeddings.weight", Parameter.Type.WEIGHT, true, dm, CrystalformerConfig.ATOM_FEATURES);
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = "encoder.layers." + l + ".";
            String a = p + "self_attn.";
            param(a + "gauss_scale", Parameter.Type.OTHER, false, 2);
            param(a + "atten_scale", Parameter.Type.OTHER, false, 1);
            param(a + "q_proj_weight", Parameter.Type.WEIGHT, true, dm, dm);
            param(a + "k_proj_weight", Parameter.Type.WEIGHT, true, dm, dm);
            param(a + "v_proj_weight", Parameter.Type.WEIGHT, true, dm, dm);
            param(a + "in_proj_bias", Parameter.Type.BIAS, true, 3L * dm);
            param(a + "lattice_pos_weights", Parameter.Type.WEIGHT, true, dm);
            if (cfg.hasValuePe(l)) {
                param(a + "pe_dist_proj", Parameter.Type.WEIGHT, true, 1, h, cfg.headDim(), cfg.valuePeDistReal());
            }
            param(a + "out_proj.weight", Parameter.Type.WEIGHT, true, dm, dm);
            param(a + "out_proj.bias", Parameter.Type.BIAS, true, dm);
            param(p + "linear1.weight", Parameter.Type.WEIGHT, true, cfg.ffDim(), dm);
            param(p + "linear1.bias", Parameter.Type.BIAS, true, cfg.ffDim());
            param(p + "linear2.weight", Parameter.Type.WEIGHT, true, dm, cfg.ffDim());
            param(p + "linear2.bias", Parameter.Type.BIAS, true, dm);
        }
        int in = dm;
        List<Integer> hidden = cfg.embeddingDim();
        for (int k = 0; k < hidden.size(); k++) {
            param("mlp." + 3 * k + ".weight", Parameter.Type.WEIGHT, true, hidden.get(k), in);
            param("mlp." + 3 * k + ".bias", Parameter.Type.BIAS, true, hidden.get(k));
            in = hidden.get(k);
        }
        param("mlp." + 3 * hidden.size() + ".weight", Parameter.Type.WEIGHT, true, nTargets, in);
        param("mlp." + 3 * hidden.size() + ".bias", Parameter.Type.BIAS, true, nTargets);
    }

    private void param(String name, Parameter.Type type, boolean trainable, long... shape) {
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape))
                .optInitializer(new ConstantInitializer(0f)).optRequiresGrad(trainable).build());
        named.put(name, p);
    }

    /** Parameters under the reference's state-dict names, in state-dict order. */
    public Map<String, Parameter> namedParameters() {
        return java.util.Collections.unmodifiableMap(named);
    }

    public CrystalformerConfig config() {
        return cfg;
    }

    public int targetCount() {
        return nTargets;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("Crystalformer runs on a collated Batch: use CrystalformerBlock.run"
                + " or the plugin's forward");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes.length > 1 ? inputShapes[1].get(0) : -1;
        return new Shape[] {new Shape(b, nTargets)};
    }

    private NDArray p(ParameterStore ps, String name, NDArray like, boolean training) {
        return ps.getValue(named.get(name), like.getDevice(), training);
    }

    /**
     * The forward pass; with a {@link CrystalformerTrace} the intermediates of the parity fixtures are
     * recorded (and zero "probe" leaves are added to a and α so that their gradients can be read).
     */
    public NDArray run(ParameterStore ps, Batch batch, boolean training, CrystalformerTrace trace) {
        NDList inputs = batch.inputs();
        CrystalformerGeometry geometry = (CrystalformerGeometry) batch.host();
        // Intermediates of ops that start from a parameter would belong to the parameters' long-lived manager
        // (djl-backend.md §4.2): a scope closes every intermediate; the autograd graph keeps what it needs.
        NDScope scope = new NDScope();
        try {
            NDArray out = forwardPass(ps, inputs, geometry, training, trace);
            NDScope.unregister(out);
            if (trace != null) {
                trace.values().values().forEach(NDScope::unregister);
                trace.probes().forEach(NDScope::unregister);
            }
            return out;
        } finally {
            scope.close();
        }
    }

    private NDArray forwardPass(ParameterStore ps, NDList inputs, CrystalformerGeometry geometry, boolean training,
                                CrystalformerTrace trace) {
        NDArray x = inputs.get(0);
        long[] sizes = inputs.get(1).toLongArray();
        int b = sizes.length;
        Fused fused = Fused.of(geometry, sizes, x, trace != null);
        int slots = CrystalformerGeometry.SLOTS_FIXED + CrystalformerGeometry.distinctRbfMaxima(cfg).length;
        List<CrystalformerGeometry.Arrays> geo = new ArrayList<>();
        for (int c = 0; c < b; c++) {
            geo.add(CrystalformerGeometry.Arrays.read(inputs, 2 + c * slots,
                    CrystalformerGeometry.distinctRbfMaxima(cfg).length));
        }
        NDArray h = Linear.linear(x, p(ps, "input_embeddings.weight", x, training)).singletonOrThrow();
        record(trace, "h.0", h);
        for (int l = 0; l < cfg.numLayers(); l++) {
            NDArray sa = attention(ps, l, h, sizes, geo, fused, training, trace);
            record(trace, "layer" + l + ".sa_out", sa);
            h = h.add(sa);
            String pre = "encoder.layers." + l + ".";
            NDArray ff = linear(h, p(ps, pre + "linear1.weight", h, training), p(ps, pre + "linear1.bias", h, training));
            ff = cfg.tActivation().equals("gelu") ? Activation.gelu(ff) : Activation.relu(ff);
            ff = linear(ff, p(ps, pre + "linear2.weight", h, training), p(ps, pre + "linear2.bias", h, training));
            h = h.add(ff);
            record(trace, "h." + (l + 1), h);
        }
        NDArray g = meanPool(h, sizes, fused);
        record(trace, "pooled", g);
        List<Integer> hidden = cfg.embeddingDim();
        for (int k = 0; k < hidden.size(); k++) {
            g = Activation.relu(linear(g, p(ps, "mlp." + 3 * k + ".weight", g, training),
                    p(ps, "mlp." + 3 * k + ".bias", g, training)));
        }
        int last = 3 * hidden.size();
        NDArray out = linear(g, p(ps, "mlp." + last + ".weight", g, training), p(ps, "mlp." + last + ".bias", g, training));
        record(trace, "pred_norm", out);
        return out;
    }

    /** Mean over each crystal's atoms: one padded sum when the layout exists, else per crystal. */
    private static NDArray meanPool(NDArray h, long[] sizes, Fused fused) {
        if (fused != null) {
            long dm = h.getShape().get(1);
            NDArray sum = fused.toPadded(h).reshape(sizes.length, fused.layout.maxAtoms(), dm).sum(new int[] {1});
            double[] inv = new double[sizes.length];
            for (int c = 0; c < inv.length; c++) {
                inv[c] = 1.0 / sizes[c];
            }
            return sum.mul(HostArrays.of(h.getManager(), inv, h.getDataType(), sizes.length, 1));
        }
        NDList pooled = new NDList();
        long off = 0;
        for (long n : sizes) {
            pooled.add(h.get(off + ":" + (off + n)).mean(new int[] {0}));
            off += n;
        }
        return NDArrays.stack(pooled);
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        return Linear.linear(x, w, bias).singletonOrThrow(); // x Wᵀ + b in one op, owned by x's manager
    }

    private static void record(CrystalformerTrace trace, String name, NDArray value) {
        if (trace != null) {
            trace.put(name, value);
        }
    }

    /** The periodic multi-head self-attention of layer l (§6, §7), before the residual add. */
    private NDArray attention(ParameterStore ps, int l, NDArray h, long[] sizes,
                              List<CrystalformerGeometry.Arrays> geo, Fused fused, boolean training,
                              CrystalformerTrace trace) {
        String pre = "encoder.layers." + l + ".self_attn.";
        int dm = cfg.modelDim();
        int nh = cfg.headNum();
        int d = cfg.headDim();
        long n = h.getShape().get(0);
        NDArray bias = p(ps, pre + "in_proj_bias", h, training);
        NDArray q = linear(h, p(ps, pre + "q_proj_weight", h, training), bias.get("0:" + dm));
        NDArray k = linear(h, p(ps, pre + "k_proj_weight", h, training), bias.get(dm + ":" + 2 * dm));
        NDArray v = linear(h, p(ps, pre + "v_proj_weight", h, training), bias.get(2 * dm + ":" + 3 * dm));
        NDArray w = p(ps, pre + "lattice_pos_weights", h, training);
        NDArray xq = q.reshape(n, nh, d).mul(w.reshape(1, nh, d)).sum(new int[] {2}); // q·w, no 1/sqrt(d)
        record(trace, "layer" + l + ".x", xq);
        NDArray xh = xq;
        if (cfg.normalizeGauss()) {
            xh = normaliseGauss(ps, pre, xq, training);
        }
        record(trace, "layer" + l + ".x_hat", xh);
        int hr = cfg.realHeads(l);
        NDArray aReal = null;
        NDArray aReci = null;
        if (hr > 0) {
            NDArray xr = hr == nh ? xh : xh.get(":, 0:" + hr);
            double r0 = cfg.r0(l);
            aReal = Scalars.mul(cfg.positiveFunction().apply(xr, cfg.gaussLbReal()), -1.0 / (2 * r0 * r0));
        }
        if (hr < nh) {
            NDArray xk = hr == 0 ? xh : xh.get(":, " + hr + ":");
            double rr = cfg.rReci(l);
            aReci = Scalars.mul(cfg.positiveFunction().apply(xk, cfg.gaussLbReci()), -rr * rr / 2);
        }
        NDArray a = aReal == null ? aReci : aReci == null ? aReal : aReal.concat(aReci, 1);
        if (trace != null) {
            NDArray probe = trace.probe("layer" + l + ".grad_a", a);
            a = a.add(probe);
            aReal = hr == 0 ? null : hr == nh ? a : a.get(":, 0:" + hr);
            aReci = hr == nh ? null : hr == 0 ? a : a.get(":, " + hr + ":");
            trace.put("layer" + l + ".a", a);
            NDArray sigma = hr == nh ? a.mul(-2).pow(-0.5) : hr == 0 ? a.mul(-2).sqrt()
                    : aReal.mul(-2).pow(-0.5).concat(aReci.mul(-2).sqrt(), 1);
            trace.put("layer" + l + ".sigma", sigma);
        }
        NDArray we = cfg.hasValuePe(l) && hr > 0 ? p(ps, pre + "pe_dist_proj", h, training).get(0) : null;
        if (fused != null && fused.geometry.fused(l)) {
            NDArray y;
            try (StageTimes.Timer t = StageTimes.time("attention")) {
                y = fusedAttention(l, q, k, v, a, we, fused, training, trace);
            }
            return linear(y, p(ps, pre + "out_proj.weight", h, training), p(ps, pre + "out_proj.bias", h, training));
        }
        int rbf = cfg.hasValuePe(l) && hr > 0 ? CrystalformerGeometry.rbfIndex(cfg, l) : -1;
        NDArray qh = q.reshape(n, nh, d);
        NDArray kh = k.reshape(n, nh, d);
        NDArray vh = v.reshape(n, nh, d);
        NDList ys = new NDList();
        NDList alphas = new NDList();
        NDList betas = new NDList();
        NDList psis = new NDList();
        NDList boxes = new NDList();
        long off = 0;
        long eoff = 0;
        NDArray alphaProbe = trace == null ? null
                : trace.probe("layer" + l + ".grad_alpha", h.getManager().zeros(
                new Shape(java.util.Arrays.stream(sizes).map(s -> s * s).sum(), nh), h.getDataType()));
        for (int c = 0; c < sizes.length; c++) {
            long nc = sizes[c];
            String rows = off + ":" + (off + nc);
            CrystalformerGeometry.Arrays g = geo.get(c);
            NDList alphaParts = new NDList();
            NDArray beta = null;
            if (hr > 0) {
                NDArray weh = we == null ? null : hr == nh ? we : we.get("0:" + hr); // (Hr, d, K)
                NDArray[] ab = PeriodicEncoding.realSpace(cfg, l, aReal.get(rows), g, weh, rbf, nc, hr,
                        trace == null ? null : boxes, trace == null ? null : psis);
                alphaParts.add(ab[0]);
                beta = ab[1];
            }
            if (hr < nh) {
                alphaParts.add(PeriodicEncoding.reciprocalSpace(aReci.get(rows), g, nc, nh - hr));
            }
            NDArray alpha = alphaParts.size() == 1 ? alphaParts.get(0) : NDArrays.concat(alphaParts, 2); // (n, n, H)
            if (alphaProbe != null) {
                alpha = alpha.add(alphaProbe.get(eoff + ":" + (eoff + nc * nc)).reshape(nc, nc, nh));
            }
            alphas.add(alpha.reshape(nc * nc, nh));
            if (beta != null && beta.getShape().get(2) < nh) { // multihead: no β for the reciprocal heads
                beta = beta.concat(h.getManager().zeros(new Shape(nc, nc, nh - hr, d), h.getDataType()), 2);
            }
            if (beta != null) {
                betas.add(beta.reshape(nc * nc, nh, d));
            }
            NDArray qc = qh.get(rows).transpose(1, 0, 2);                  // (H, n, d)
            NDArray kc = kh.get(rows).transpose(1, 2, 0);                  // (H, d, n)
            NDArray vc = vh.get(rows).transpose(1, 0, 2);                  // (H, n, d)
            NDArray s = Scalars.div(qc.matMul(kc), Math.sqrt(d)).add(alpha.transpose(2, 0, 1));
            NDArray pi = s.softmax(2);                                     // over keys j
            NDArray y = pi.matMul(vc).transpose(1, 0, 2);                  // (n, H, d)
            if (beta != null) {
                y = y.add(pi.transpose(1, 2, 0).expandDims(3).mul(beta).sum(new int[] {1}));
            }
            ys.add(y.reshape(nc, dm));
            off += nc;
            eoff += nc * nc;
        }
        if (trace != null) {
            trace.put("layer" + l + ".alpha", NDArrays.concat(alphas, 0));
            if (!betas.isEmpty()) {
                trace.put("layer" + l + ".beta", NDArrays.concat(betas, 0));
            }
            if (!psis.isEmpty()) {
                trace.put("layer" + l + ".psi_bar", NDArrays.concat(psis, 0));
            }
            if (!boxes.isEmpty()) {
                trace.put("layer" + l + ".box_R", NDArrays.concat(boxes, 0));
            }
        }
        NDArray y = NDArrays.concat(ys, 0);
        return linear(y, p(ps, pre + "out_proj.weight", h, training), p(ps, pre + "out_proj.bias", h, training));
    }

    /**
     * Layer l's attention with the fused real-space sums ({@link PeriodicSums}) on the padded layout. The host
     * kernel's ∂α/∂a and ∂ψ̄/∂a enter autograd as α + (a − sg(a))·∂α/∂a (zero in value, exact first-order
     * gradient), and W^E is applied once per atom after the attention sum: Σ_j π_ij W^E ψ̄_ij = W^E Σ_j π_ij ψ̄_ij.
     */
    private NDArray fusedAttention(int l, NDArray q, NDArray k, NDArray v, NDArray a, NDArray we, Fused whole,
                                   boolean training, CrystalformerTrace trace) {
        if (whole.chunks.size() == 1) {
            return attendChunk(l, q, k, v, a, we, whole.chunks.get(0), training, trace);
        }
        NDList parts = new NDList();
        for (Fused c : whole.chunks) {
            String rows = c.atomFrom + ":" + c.atomTo;
            parts.add(attendChunk(l, q.get(rows), k.get(rows), v.get(rows), a.get(rows), we, c, training, null));
        }
        return NDArrays.concat(parts, 0);
    }

    /** The fused attention of one chunk of whole crystals (rows of the chunk's atoms). */
    private NDArray attendChunk(int l, NDArray q, NDArray k, NDArray v, NDArray a, NDArray we, Fused f,
                                boolean training, CrystalformerTrace trace) {
        int nh = cfg.headNum();
        int d = cfg.headDim();
        int dm = cfg.modelDim();
        int b = f.layout.crystals();
        int nm = f.layout.maxAtoms();
        NDManager mgr = q.getManager();
        DataType dt = q.getDataType();
        // ∂/∂a only while a gradient collector records (training, or tests reading gradients)
        boolean grads = training || ai.djl.pytorch.jni.JniUtils.isGradMode();
        double[] aHost = a.toType(DataType.FLOAT64, false).toDoubleArray();
        NDArray qp = f.toPadded(q).reshape(b, nm, nh, d).transpose(0, 2, 1, 3);   // (B, H, n, d)
        NDArray kp = f.toPadded(k).reshape(b, nm, nh, d).transpose(0, 2, 3, 1);   // (B, H, d, n)
        NDArray qk = Scalars.div(qp.matMul(kp), Math.sqrt(d));                     // (B, H, n, n)
        PeriodicSums.Result r;
        try (StageTimes.Timer t = StageTimes.time("periodic sums")) {
            double fixedCutoff = cfg.r0(l) / Math.sqrt(cfg.gaussLbReal()) * cfg.adaptiveCutoffSigma();
            double sigmaRule = cfg.adaptiveBoxes() ? cfg.adaptiveCutoffSigma() : 0;
            int minRange = !cfg.adaptiveBoxes() || cfg.minimumRange() ? cfg.latticeRange() : 0;
            // the value term's π-weighted sums are made with π in the kernel, from the scores without α
            double[] scores = we != null ? qk.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray() : null;
            r = PeriodicSums.compute(f.images, f.layout, aHost, nh, sigmaRule, fixedCutoff, minRange,
                    dt == DataType.FLOAT32, scores, grads, grads || trace != null,
                    PeriodicSums.cut(dt == DataType.FLOAT32));
        }
        NDArray y;
        NDArray aDelta;
        NDArray pi;
        try (StageTimes.Timer t = StageTimes.time("attention: scores")) {
            NDArray aPad = f.toPadded(a).reshape(b, nm, nh);
            aDelta = grads ? aPad.sub(aPad.stopGradient()) : null;   // zero, carries ∂/∂a
            NDArray alpha = HostArrays.of(mgr, r.alpha, dt, b, nm, nm, nh);
            if (grads) {
                alpha = alpha.add(aDelta.reshape(b, nm, 1, nh).mul(HostArrays.of(mgr, r.dAlpha, dt, b, nm, nm, nh)));
            }
            if (trace != null) {
                recordFusedTrace(l, r, we, f, trace, mgr, dt);
                NDArray probe = trace.probe("layer" + l + ".grad_alpha", mgr.zeros(new Shape(f.edges, nh), dt));
                alpha = alpha.add(f.pairsToPadded(probe).reshape(b, nm, nm, nh));
            }
            NDArray vp = f.toPadded(v).reshape(b, nm, nh, d).transpose(0, 2, 1, 3);   // (B, H, n, d)
            NDArray s = qk.add(alpha.transpose(0, 3, 1, 2)).add(f.keyMask(dt));
            pi = s.softmax(3);                                                          // over keys j
            y = pi.matMul(vp).transpose(0, 2, 1, 3);                                    // (B, n, H, d)
        }
        if (we != null) {
            try (StageTimes.Timer t = StageTimes.time("attention: values")) {
                y = y.add(valueEncoding(r, pi, we, aDelta, b, nm, mgr, dt));
            }
        }
        return f.toCompact(y.reshape((long) b * nm, dm));
    }

    /**
     * Σ_j π_ij β_ij with β_ij = W^E ψ̄_ij, as (B, n, H, d). Its value is W^E Σ_j π_ij ψ̄_ij, from the π-weighted
     * sum that the kernel makes, so inference never stores ψ̄ (B·n²·H·K), let alone moves it into libtorch. W^E
     * enters that product with its gradient; with an autograd recording, terms of value zero add the rest of the
     * exact first-order gradient: ∂/∂a through (Σ_j π_ij ∂ψ̄_ij/∂a)·(a − sg(a)) and ∂/∂π through
     * Σ_j (π_ij − sg(π_ij)) β_ij, where β (B·n²·H·d, a quarter of ψ̄) is made from the head-major ψ̄ by one
     * batched matmul.
     */
    private NDArray valueEncoding(PeriodicSums.Result r, NDArray pi, NDArray we, NDArray aDelta, int b, int nm,
                                  NDManager mgr, DataType dt) {
        int nh = cfg.headNum();
        int d = cfg.headDim();
        int kk = cfg.valuePeDistReal();
        long rows = (long) b * nm;
        PeriodicSums.WeightedSums sums = r.weighted;
        NDArray weighted = sums.psiSum(mgr, dt, nh, rows, kk);                                 // (H, B·n, K)
        NDArray out;
        if (aDelta == null) {
            out = weighted.matMul(we.transpose(0, 2, 1));                                      // (H, B·n, d)
        } else {
            NDArray dWeighted = sums.dPsiSum(mgr, dt, nh, rows, kk);
            NDArray aH = aDelta.reshape(rows, nh).transpose().expandDims(2);                 // (H, B·n, 1), zero
            out = weighted.add(dWeighted.mul(aH)).matMul(we.transpose(0, 2, 1));
            NDArray beta;
            try (NDArray psi = r.psiF != null ? HostArrays.borrowed(mgr, r.psiF, nh, rows * nm, kk)
                    : HostArrays.of(mgr, r.psi, dt, nh, rows * nm, kk)) {                       // (H, B·n·n, K)
                beta = psi.matMul(we.stopGradient().transpose(0, 2, 1)).reshape(nh * rows, nm, d);
            }
            NDArray piDelta = pi.sub(pi.stopGradient()).transpose(1, 0, 2, 3).reshape(nh * rows, 1, nm);
            out = out.add(piDelta.matMul(beta).reshape(nh, rows, d));
        }
        return out.reshape(nh, b, nm, d).transpose(1, 2, 0, 3);                               // (B, n, H, d)
    }

    /** α, ψ̄, β (= W^E ψ̄) and the boxes of the fused kernel in the fixtures' compact edge order. */
    private void recordFusedTrace(int l, PeriodicSums.Result r, NDArray we, Fused f, CrystalformerTrace trace,
                                  NDManager mgr, DataType dt) {
        int nh = cfg.headNum();
        int nm = f.layout.maxAtoms();
        int[] sizes = f.layout.sizes();
        int kk = cfg.valuePeDistReal();
        double[] alpha = new double[(int) f.edges * nh];
        double[] psi = r.hasPsi() ? new double[(int) f.edges * nh * kk] : null;
        int e = 0;
        for (int c = 0; c < sizes.length; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                for (int j = 0; j < sizes[c]; j++) {
                    for (int hh = 0; hh < nh; hh++) {
                        alpha[e * nh + hh] = r.alpha[((c * nm + i) * nm + j) * nh + hh];
                        if (psi != null) {
                            r.psiInto(PeriodicSums.psiOffset(sizes.length, nm, kk, c, i, hh, j), psi, (e * nh + hh) * kk, kk);
                        }
                    }
                    e++;
                }
            }
        }
        trace.put("layer" + l + ".alpha", HostArrays.of(mgr, alpha, dt, f.edges, nh));
        if (psi != null) {
            NDArray psiArr = HostArrays.of(mgr, psi, dt, f.edges, nh, kk);
            trace.put("layer" + l + ".psi_bar", psiArr);
            trace.put("layer" + l + ".beta", psiArr.transpose(1, 0, 2).matMul(we.stopGradient().transpose(0, 2, 1))
                    .transpose(1, 0, 2));
        }
        if (cfg.adaptiveBoxes()) {
            double[] boxes = new double[r.boxes.length];
            for (int q = 0; q < boxes.length; q++) {
                boxes[q] = r.boxes[q];
            }
            trace.put("layer" + l + ".box_R", HostArrays.of(mgr, boxes, dt, f.layout.atomCount(), nh, 3));
        }
    }

    /**
     * The padded layout and its index arrays for one forward pass (null when no layer is fused), and its
     * chunks: runs of whole crystals with at most {@link #PAIR_BUDGET} padded pairs each, so that the host
     * arrays of the lattice sums (B·n²·H·K for ψ̄) stay bounded whatever the batch.
     */
    private static final class Fused {
        /**
         * Padded pairs per chunk: ψ̄ and ∂ψ̄/∂a of a chunk take at most 2 × 8 B × H·K × this (≈ 270 MB);
         * {@code -Dxtal.crystalformer.pairBudget=N} changes it (tests use a tiny one to exercise chunking).
         */
        static final int PAIR_BUDGET = 32768;

        static int pairBudget() {
            return Integer.getInteger("xtal.crystalformer.pairBudget", PAIR_BUDGET);
        }

        final CrystalformerGeometry geometry;
        final PaddedLayout layout;
        final long edges;
        final int atomFrom;
        final int atomTo;
        final List<PairImages> images;
        final List<Fused> chunks = new ArrayList<>();
        private final NDArray toPaddedIndex;
        private final NDArray toCompactIndex;
        private NDArray pairIndex;
        private NDArray keyMask;

        private Fused(CrystalformerGeometry geometry, PaddedLayout layout, List<PairImages> images, int atomFrom,
                      NDManager mgr) {
            this.geometry = geometry;
            this.layout = layout;
            this.images = images;
            this.atomFrom = atomFrom;
            this.atomTo = atomFrom + layout.atomCount();
            long e = 0;
            for (int n : layout.sizes()) {
                e += (long) n * n;
            }
            this.edges = e;
            this.toPaddedIndex = HostArrays.of(mgr, layout.gatherToPadded());
            this.toCompactIndex = HostArrays.of(mgr, layout.gatherToCompact());
        }

        static Fused of(CrystalformerGeometry geometry, long[] sizes, NDArray x, boolean oneChunk) {
            if (geometry == null) {
                return null;
            }
            boolean any = false;
            for (int l = 0; l < geometry.config().numLayers(); l++) {
                any |= geometry.fused(l);
            }
            if (!any) {
                return null;
            }
            int[] s = new int[sizes.length];
            for (int c = 0; c < s.length; c++) {
                s[c] = (int) sizes[c];
            }
            List<PairImages> all = geometry.images();
            Fused whole = new Fused(geometry, new PaddedLayout(s), all, 0, x.getManager());
            if (oneChunk) {
                whole.chunks.add(whole);
                return whole;
            }
            int budget = pairBudget();
            int from = 0;
            int atom = 0;
            while (from < s.length) {
                int to = from;
                int max = 0;
                while (to < s.length) {
                    int m = Math.max(max, s[to]);
                    if (to > from && (long) (to - from + 1) * m * m > budget) {
                        break;
                    }
                    max = m;
                    to++;
                }
                if (from == 0 && to == s.length) {
                    whole.chunks.add(whole);
                    return whole;
                }
                int[] part = java.util.Arrays.copyOfRange(s, from, to);
                Fused chunk = new Fused(geometry, new PaddedLayout(part), all.subList(from, to), atom, x.getManager());
                whole.chunks.add(chunk);
                atom = chunk.atomTo;
                from = to;
            }
            return whole;
        }

        /** Rows (N, …) to padded rows (B·n, …); padding rows are zero. */
        NDArray toPadded(NDArray rows) {
            NDArray zero = rows.getManager().zeros(new Shape(1).addAll(rows.getShape().slice(1)), rows.getDataType());
            return rows.concat(zero, 0).get(new NDIndex("{}", toPaddedIndex));
        }

        /** Padded rows (B·n, …) back to the compact rows (N, …). */
        NDArray toCompact(NDArray padded) {
            return padded.get(new NDIndex("{}", toCompactIndex));
        }

        /** Compact edge rows (E, …) to padded pair rows (B·n·n, …), zero for padding. */
        NDArray pairsToPadded(NDArray rows) {
            if (pairIndex == null) {
                pairIndex = HostArrays.of(rows.getManager(), layout.pairsToPadded());
            }
            NDArray zero = rows.getManager().zeros(new Shape(1).addAll(rows.getShape().slice(1)), rows.getDataType());
            return rows.concat(zero, 0).get(new NDIndex("{}", pairIndex));
        }

        /** (B, 1, 1, n): 0 for real keys, a large negative number for padding keys. */
        NDArray keyMask(DataType dt) {
            if (keyMask == null) {
                int b = layout.crystals();
                int nm = layout.maxAtoms();
                int[] sizes = layout.sizes();
                double[] m = new double[b * nm];
                for (int c = 0; c < b; c++) {
                    for (int j = sizes[c]; j < nm; j++) {
                        m[c * nm + j] = -1e30;
                    }
                }
                keyMask = HostArrays.of(toPaddedIndex.getManager(), m, dt, b, 1, 1, nm);
            }
            return keyMask;
        }
    }

    /** gauss_scale = [scale, shift]; set from the batch statistics while scale is 0 (stored in training). */
    private NDArray normaliseGauss(ParameterStore ps, String pre, NDArray x, boolean training) {
        Parameter gp = named.get(pre + "gauss_scale");
        NDArray gs = ps.getValue(gp, x.getDevice(), training);
        NDArray scale;
        NDArray shift;
        if (gs.get(0).toType(DataType.FLOAT64, false).getDouble() == 0.0) {
            NDArray xd = x.stopGradient();
            NDArray mean = xd.mean();
            long m = xd.size();
            NDArray std = xd.sub(mean).square().sum().div(m - 1).sqrt(); // unbiased, as torch.std
            scale = std.pow(-1);
            shift = mean.neg();
            if (training) {
                try (NDArray v = NDArrays.stack(new NDList(scale, shift)).toType(gs.getDataType(), false)) {
                    v.copyTo(gp.getArray());
                }
            }
        } else {
            scale = gs.get(0).stopGradient();
            shift = gs.get(1).stopGradient();
        }
        return x.add(shift).mul(scale);
    }

    /** Data type of the parameters once initialised (for callers building inputs). */
    public DataType dataType() {
        return named.get("input_embeddings.weight").getArray().getDataType();
    }
}
