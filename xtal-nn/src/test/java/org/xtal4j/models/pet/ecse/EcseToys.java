package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xtal4j.nn.Scalars;

/** Toy molecules (all pairs within the cut-off are edges) and toy backbones for the ECSE tests. */
final class EcseToys {

    static final double R_CUT = 5.0;

    private EcseToys() {
    }

    /** A distorted methane-like cluster of n atoms (seeded; pairwise distances ≥ 0.9 Å, all within R_CUT). */
    static double[][] cluster(int n, long seed) {
        Random rng = new Random(seed);
        List<double[]> pos = new ArrayList<>();
        pos.add(new double[] {0, 0, 0});
        while (pos.size() < n) {
            double[] p = {rng.nextGaussian() * 1.1, rng.nextGaussian() * 1.1, rng.nextGaussian() * 1.1};
            boolean ok = true;
            for (double[] q : pos) {
                double d = dist(p, q);
                ok &= d > 0.9 && d < R_CUT - 0.5;
            }
            if (ok) {
                pos.add(p);
            }
        }
        return pos.toArray(new double[0][]);
    }

    static double dist(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s);
    }

    /** All directed pairs i ≠ j with |r_j − r_i| &lt; R_CUT, grouped by i, as float64 or float32 edges. */
    static EcseEdges edges(NDManager m, double[][] pos, DataType dt) {
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < pos.length; i++) {
            for (int j = 0; j < pos.length; j++) {
                if (i != j && dist(pos[i], pos[j]) < R_CUT) {
                    pairs.add(new int[] {i, j});
                }
            }
        }
        int[] c = new int[pairs.size()];
        int[] nb = new int[pairs.size()];
        double[] v = new double[3 * pairs.size()];
        for (int e = 0; e < c.length; e++) {
            c[e] = pairs.get(e)[0];
            nb[e] = pairs.get(e)[1];
            for (int k = 0; k < 3; k++) {
                v[3 * e + k] = pos[nb[e]][k] - pos[c[e]][k];
            }
        }
        NDArray x = m.create(v, new Shape(c.length, 3)).toType(dt, false);
        return new EcseEdges(pos.length, c, nb, x);
    }

    static double[][] rotate(double[][] pos, double[][] q) {
        // r' = Q r, i.e. rows times Qᵀ
        double[][] out = new double[pos.length][3];
        for (int i = 0; i < pos.length; i++) {
            for (int r = 0; r < 3; r++) {
                for (int k = 0; k < 3; k++) {
                    out[i][r] += q[r][k] * pos[i][k];
                }
            }
        }
        return out;
    }

    /**
     * A deliberately non-invariant backbone on raw Cartesian components, with a many-body term:
     * E = Σ_e g(|x|)·[sin(1.3x₀ + 0.2) + 0.4·x₁x₂ + 0.3·x₂ + 0.15·x₀²] + 0.1·(Σ_e g·x₁)², g = exp(−0.3|x|²).
     * With {@code evenInSecond} x₁ is replaced by x₁² / |x₁|-free terms so that E(x₀, −x₁, x₂) = E(x₀, x₁, x₂).
     */
    static EcseBackbone toy(boolean evenInSecond) {
        return new EcseBackbone() {
            @Override
            public NDArray energy(NDArray x) {
                return energies(x.expandDims(0)).reshape(new Shape());
            }

            @Override
            public NDArray energies(NDArray x) {
                NDArray x0 = x.get(new NDIndex(":, :, 0"));
                NDArray x1 = x.get(new NDIndex(":, :, 1"));
                NDArray x2 = x.get(new NDIndex(":, :, 2"));
                if (evenInSecond) {
                    x1 = x1.square();
                }
                NDArray g = Scalars.mul(x.square().sum(new int[] {2}), -0.3).exp();
                NDArray t = Scalars.mul(Scalars.mul(x0, 1.3).add(0.2).sin(), 1.0)
                        .add(Scalars.mul(x1.mul(x2), 0.4))
                        .add(Scalars.mul(x2, 0.3))
                        .add(Scalars.mul(x0.square(), 0.15));
                NDArray pair = g.mul(t).sum(new int[] {1});
                NDArray many = Scalars.mul(g.mul(x1).sum(new int[] {1}).square(), 0.1);
                return pair.add(many);
            }
        };
    }

    /** An intrinsically invariant backbone (edge lengths only), usable as the auxiliary model. */
    static EcseBackbone invariant() {
        return x -> {
            NDArray r2 = x.square().sum(new int[] {1});
            return Scalars.mul(r2, -0.5).exp().sum().add(Scalars.mul(r2.sqrt(), 0.01).sum());
        };
    }

    /** A non-equivariant vector model: Σ_e g·(x + (0.3, 0, 0)·x₁²) per structure (M = 1). */
    static EcseVectorBackbone toyVector() {
        return x -> {
            NDArray g = Scalars.mul(x.square().sum(new int[] {1}), -0.3).exp().expandDims(1);
            NDArray x1 = x.get(new NDIndex(":, 1:2"));
            NDArray bias = x.getManager().create(new double[] {0.3, 0, 0}).toType(x.getDataType(), false)
                    .reshape(1, 3);
            return g.mul(x.add(x1.square().mul(bias))).sum(new int[] {0}).reshape(1, 3);
        };
    }

    static double energy(NDManager m, EcseConfig cfg, EcseBackbone b, EcseBackbone aux, double[][] pos) {
        try (NDManager sm = m.newSubManager()) {
            return new Ecse(cfg, b, aux).energy(edges(sm, pos, DataType.FLOAT64)).energyValue();
        }
    }

    static double[][] copy(double[][] p) {
        double[][] c = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            c[i] = p[i].clone();
        }
        return c;
    }
}
