package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xtal4j.nn.Scalars;

/**
 * The PET backbone network (pet.md §2, the reference's {@code PET} module) as a DJL block: parameters under
 * the reference's state-dict names (the unused {@code trans_layer} templates are left out) and the forward
 * pass from edge vectors to per-atom energies. Use it through {@link PetBackbone}, which builds the index
 * arrays from a {@link PetGraph}, sums per structure and turns edge gradients into forces.
 *
 * <p>Per block k: geometry embedding g = L_r([x, |x|]), token t = compress([g ; μ]), central token
 * E_c[s_i]; a PostLN transformer over [c_i, t_i1..t_iM] whose attention weights are multiplied by the
 * cut-off φ of each key token and renormalised; per-atom contribution heads_k(c) + Σ_p φ_p·bond_heads_k(m_p);
 * next messages μ ← r·μ + (1 − r)·m_rev with r = RESIDUAL_FACTOR (½).
 */
public final class PetBlock extends AbstractBlock {

    private final PetConfig cfg;
    private final int speciesCount;
    private final Map<String, Parameter> named = new LinkedHashMap<>();

    /** @param speciesCount number of species n_s (embedding tables have n_s + 1 rows, the last for padding) */
    public PetBlock(PetConfig cfg, int speciesCount) {
        this.cfg = cfg;
        this.speciesCount = speciesCount;
        int d = cfg.dModel();
        int hn = cfg.headNeurons();
        int ff = cfg.dimFeedforward();
        param("embedding.weight", speciesCount + 1, d);
        for (int k = 0; k < cfg.nGnnLayers(); k++) {
            String g = "gnn_layers." + k + ".";
            for (int l = 0; l < cfg.nTransLayers(); l++) {
                String t = g + "trans.layers." + l + ".";
                param(t + "attention.input_linear.weight", 3L * d, d);
                param(t + "attention.input_linear.bias", 3L * d);
                param(t + "attention.output_linear.weight", d, d);
                param(t + "attention.output_linear.bias", d);
                param(t + "norm_attention.weight", d);
                param(t + "norm_attention.bias", d);
                param(t + "norm_mlp.weight", d);
                param(t + "norm_mlp.bias", d);
                param(t + "mlp.0.weight", ff, d);
                param(t + "mlp.0.bias", ff);
                param(t + "mlp.3.weight", d, ff);
                param(t + "mlp.3.bias", d);
            }
            param(g + "r_embedding.weight", d, 4);
            param(g + "r_embedding.bias", d);
            param(g + "compress.0.weight", d, 2L * d);
            param(g + "compress.0.bias", d);
            param(g + "compress.2.weight", d, d);
            param(g + "compress.2.bias", d);
            param(g + "central_embedder.weight", speciesCount + 1, d);
        }
        for (String h : new String[] {"heads.", "bond_heads."}) {
            for (int k = 0; k < cfg.nGnnLayers(); k++) {
                String p = h + k + ".model.nn.";
                param(p + "0.weight", hn, d);
                param(p + "0.bias", hn);
                param(p + "2.weight", hn, hn);
                param(p + "2.bias", hn);
                param(p + "4.weight", 1, hn);
                param(p + "4.bias", 1);
            }
        }
    }

    private void param(String name, long... shape) {
        Parameter.Type type = name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape))
                .optInitializer(new ConstantInitializer(0f)).build());
        named.put(name, p);
    }

    /** Parameters under the reference's state-dict names. */
    public Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(named);
    }

    public PetConfig config() {
        return cfg;
    }

    public int speciesCount() {
        return speciesCount;
    }

    /**
     * PyTorch's default initialisation of the reference modules, drawn from the engine RNG: Linear weights
     * and biases U(±1/√fan_in), embeddings N(0, 1), attention input projections Xavier-uniform with zero
     * biases, LayerNorm γ = 1, β = 0.
     */
    public void initializeReference(NDManager manager) {
        named.forEach((name, p) -> {
            NDArray t = p.getArray();
            Shape s = t.getShape();
            NDArray v;
            if (name.endsWith("embedding.weight") || name.endsWith("central_embedder.weight")) {
                v = manager.randomNormal(0f, 1f, s, DataType.FLOAT32);
            } else if (name.contains("norm_")) {
                v = name.endsWith("weight") ? manager.ones(s, DataType.FLOAT32) : manager.zeros(s, DataType.FLOAT32);
            } else if (name.contains("input_linear")) {
                // torch xavier_uniform_ on the [3d, d] in_proj weight: fan_in = d, fan_out = 3d
                double a = Math.sqrt(6.0 / (s.get(0) + (s.dimension() > 1 ? s.get(1) : 0)));
                v = name.endsWith("weight") ? manager.randomUniform((float) -a, (float) a, s, DataType.FLOAT32)
                        : manager.zeros(s, DataType.FLOAT32);
            } else {
                String w = name.endsWith("bias") ? name.substring(0, name.length() - 4) + "weight" : name;
                long fanIn = named.get(w).getArray().getShape().get(1);
                float b = (float) (1 / Math.sqrt(fanIn));
                v = manager.randomUniform(-b, b, s, DataType.FLOAT32);
            }
            try (v; NDArray c = v.toType(t.getDataType(), false)) {
                c.copyTo(t);
            }
        });
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("use PetBackbone");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1)};
    }

    private NDArray p(ParameterStore ps, String name, NDArray like, boolean training) {
        return ps.getValue(named.get(name), like.getDevice(), training);
    }

    /** Index arrays of a graph (int64), made by {@link PetBackbone}. */
    record Indices(int atoms, int maxNeighbours, int edges, NDArray species, NDArray neighbourSpecies,
                   NDArray slotEdge, NDArray edgeSlot, NDArray reverse) {
    }

    /**
     * Per-atom backbone energies (N) from edge vectors x (E, 3). With a trace map, the per-block
     * intermediates of the parity fixtures are put there (names as in {@code intermediates/*.safetensors}).
     */
    NDArray atomEnergies(ParameterStore ps, Indices ix, NDArray x, boolean training, Map<String, NDArray> trace) {
        int n = ix.atoms();
        int m = ix.maxNeighbours();
        int d = cfg.dModel();
        NDManager mg = x.getManager();
        DataType dt = x.getDataType();
        NDIndex slots = new NDIndex("{}", ix.slotEdge());
        NDArray r2 = x.square().sum(new int[] {1}, true);                       // (E, 1)
        NDArray rho = r2.add(Scalars.of(r2, 1e-15)).sqrt();
        NDArray phi = cutoff(r2.add(Scalars.of(r2, 1e-16)).sqrt());              // (E, 1)
        NDArray geometry = x.concat(rho, 1);                                      // (E, 4)
        NDArray zero1 = mg.zeros(new Shape(1, 1), dt);
        NDArray zeroD = mg.zeros(new Shape(1, d), dt);
        NDArray phiPad = phi.concat(zero1, 0).get(slots).reshape(n, m);
        NDArray phiSeq = mg.ones(new Shape(n, 1), dt).concat(phiPad, 1).reshape(n, 1, 1, m + 1);
        NDArray mu = p(ps, "embedding.weight", x, training).get(new NDIndex("{}", ix.neighbourSpecies()));
        NDArray atomE = null;
        for (int k = 0; k < cfg.nGnnLayers(); k++) {
            String g = "gnn_layers." + k + ".";
            NDArray geo = lin(ps, g + "r_embedding", geometry, training);
            NDArray tok = lin(ps, g + "compress.2", silu(lin(ps, g + "compress.0", geo.concat(mu, 1), training)),
                    training);                                                    // (E, d)
            NDArray central = p(ps, g + "central_embedder.weight", x, training).get(new NDIndex("{}", ix.species()));
            NDArray z = central.reshape(n, 1, d).concat(tok.concat(zeroD, 0).get(slots).reshape(n, m, d), 1);
            if (trace != null) {
                trace.put("block" + k + ".input_messages", mu);
                trace.put("block" + k + ".geometry_embedding", geo);
                trace.put("block" + k + ".neighbor_tokens_in", tok);
                trace.put("block" + k + ".central_token_in", central);
                trace.put("block" + k + ".cutoff_multipliers", phi.reshape(-1));
            }
            for (int l = 0; l < cfg.nTransLayers(); l++) {
                z = transformerLayer(ps, g + "trans.layers." + l + ".", z, phiSeq, training);
                if (trace != null) {
                    trace.put("block" + k + ".transformer_layer" + l + ".central", z.get(":, 0, :"));
                    trace.put("block" + k + ".transformer_layer" + l + ".edges",
                            z.get(":, 1:, :").reshape(n * (long) m, d).get(new NDIndex("{}", ix.edgeSlot())));
                }
            }
            NDArray cOut = z.get(":, 0, :");                                      // (N, d)
            NDArray msg = z.get(":, 1:, :").reshape(n * (long) m, d).get(new NDIndex("{}", ix.edgeSlot())); // (E, d)
            NDArray atomic = head(ps, "heads." + k, cOut, training).reshape(n);
            NDArray bond = head(ps, "bond_heads." + k, msg, training).mul(phi);  // (E, 1)
            NDArray bondAtom = bond.concat(zero1, 0).get(slots).reshape(n, m).sum(new int[] {1});
            if (trace != null) {
                trace.put("block" + k + ".atomic_central", atomic);
                trace.put("block" + k + ".atomic_bond", bondAtom);
            }
            NDArray blockE = atomic.add(bondAtom);
            atomE = atomE == null ? blockE : atomE.add(blockE);
            if (k + 1 < cfg.nGnnLayers()) {
                NDArray rev = msg.get(new NDIndex("{}", ix.reverse()));
                double r = cfg.residualFactor();
                mu = Scalars.mul(mu, r).add(Scalars.mul(rev, 1 - r));
            }
        }
        return atomE;
    }

    /** Backbone cut-off: 1 below R_c − Δ, ½ + ½cos(π(r − R_c + Δ)/Δ) up to R_c, 0 beyond (clamped form). */
    NDArray cutoff(NDArray r) {
        double lo = cfg.rCut() - cfg.cutoffDelta();
        NDArray c = r.clip(lo, cfg.rCut());
        NDArray arg = Scalars.mul(c.sub(Scalars.of(c, lo)), Math.PI / cfg.cutoffDelta());
        return Scalars.mul(arg.cos().add(Scalars.of(arg, 1.0)), 0.5);
    }

    private NDArray transformerLayer(ParameterStore ps, String pre, NDArray z, NDArray phiSeq, boolean training) {
        long n = z.getShape().get(0);
        long len = z.getShape().get(1);
        int d = cfg.dModel();
        int h = cfg.nHead();
        int dh = cfg.headDim();
        NDArray qkv = lin(ps, pre + "attention.input_linear", z, training);      // (N, L, 3d)
        NDArray q = qkv.get(":, :, 0:" + d).reshape(n, len, h, dh).transpose(0, 2, 1, 3);
        NDArray k = qkv.get(":, :, " + d + ":" + 2 * d).reshape(n, len, h, dh).transpose(0, 2, 3, 1);
        NDArray v = qkv.get(":, :, " + 2 * d + ":").reshape(n, len, h, dh).transpose(0, 2, 1, 3);
        NDArray a = Scalars.div(q.matMul(k), Math.sqrt(dh)).softmax(3).mul(phiSeq);   // (N, H, L, L)
        a = a.div(a.sum(new int[] {3}, true).add(Scalars.of(a, 1e-15)));
        NDArray o = a.matMul(v).transpose(0, 2, 1, 3).reshape(n, len, d);
        z = layerNorm(ps, pre + "norm_attention", z.add(lin(ps, pre + "attention.output_linear", o, training)),
                training);
        NDArray f = lin(ps, pre + "mlp.3", silu(lin(ps, pre + "mlp.0", z, training)), training);
        return layerNorm(ps, pre + "norm_mlp", z.add(f), training);
    }

    private NDArray head(ParameterStore ps, String pre, NDArray x, boolean training) {
        String p = pre + ".model.nn.";
        NDArray y = silu(lin(ps, p + "0", x, training));
        y = silu(lin(ps, p + "2", y, training));
        return lin(ps, p + "4", y, training);
    }

    private NDArray lin(ParameterStore ps, String pre, NDArray x, boolean training) {
        return Linear.linear(x, p(ps, pre + ".weight", x, training), p(ps, pre + ".bias", x, training))
                .singletonOrThrow();
    }

    private NDArray layerNorm(ParameterStore ps, String pre, NDArray z, boolean training) {
        int last = z.getShape().dimension() - 1;
        NDArray c = z.sub(z.mean(new int[] {last}, true));
        NDArray var = c.square().mean(new int[] {last}, true);
        NDArray norm = c.div(var.add(Scalars.of(var, 1e-5)).sqrt());
        return norm.mul(p(ps, pre + ".weight", z, training)).add(p(ps, pre + ".bias", z, training));
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
