package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.models.pet.ecse.EcseConfig;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Stresses of a tiny random float64 PET on a periodic triclinic 3-atom cell (with periodic self-images):
 * σ = (1/V) ∂E/∂ε against central finite differences of the energy of strained structures (lattice and positions,
 * neighbour lists rebuilt), for the raw backbone and for ECSE; ECSE's stress is symmetric and rotates as a tensor.
 */
class PetStressTest {

    private static final double H = 1e-5;

    static Structure cell() {
        Random r = new Random(17);
        // no edge length at R_c − Δ = 2.5 Å, where the cut-off is only C¹ (central differences would straddle it)
        Lattice lat = Lattice.fromMatrix(new double[][] {{2.45, 0, 0}, {0.4, 2.7, 0}, {-0.3, 0.2, 2.9}});
        double[][] frac = {{0.02, 0.05, 0.01}, {0.45, 0.55, 0.4}, {0.7, 0.2, 0.65}};
        String[] el = {"C", "H", "H"};
        List<Site> sites = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] f = frac[i].clone();
            for (int a = 0; a < 3; a++) {
                f[a] += 0.02 * r.nextGaussian();
            }
            sites.add(Site.of(Element.of(el[i]), f));
        }
        return Structure.builder().lattice(lat).sites(sites).build();
    }

    /** The structure under x → x·(I + ε): lattice rows and Cartesian positions strained, fractions kept. */
    static Structure strained(Structure s, double[][] eps) {
        double[][] m = s.lattice().matrix();
        double[][] out = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int b = 0; b < 3; b++) {
                double v = m[i][b];
                for (int a = 0; a < 3; a++) {
                    v += m[i][a] * eps[a][b];
                }
                out[i][b] = v;
            }
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(out)).build();
    }

    /** The structure rotated by Q (r → Q r): lattice rows a → a·Qᵀ, fractions kept. */
    static Structure rotated(Structure s, double[][] q) {
        double[][] m = s.lattice().matrix();
        double[][] out = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    out[i][a] += q[a][b] * m[i][b];
                }
            }
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(out)).build();
    }

    private static PetPredictor predictor(NDManager m) {
        Backend.get();
        ModelSetup setup = new ModelSetup(PetPluginTest.tiny(), Normalisation.identity(List.of("energy")),
                List.of("H", "C"), Precision.FLOAT64);
        Backend.get().seed(5);
        return new PetPredictor(setup, PetPredictor.newBlock(setup, m), m);
    }

    /** Central differences (1/V) dE/dε_ab for the unit strain ε = e_a e_bᵀ, all 9 (a, b). */
    private static double[][] finiteDifferences(PetPredictor p, Structure s) {
        double v = s.lattice().volume();
        double[][] d = new double[3][3];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double[][] eps = new double[3][3];
                eps[a][b] = H;
                double ep = p.predict(List.of(strained(s, eps))).get(0).energy();
                eps[a][b] = -H;
                double em = p.predict(List.of(strained(s, eps))).get(0).energy();
                d[a][b] = (ep - em) / (2 * H * v);
            }
        }
        return d;
    }

    /** Worst |symmetric part of fd − stress| and |antisymmetric part of fd| − reported antisymmetry, and max |σ|. */
    private static double[] compare(double[][] fd, PetPredictor.Prediction pr) {
        double sym = 0;
        double anti = 0;
        double max = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                sym = Math.max(sym, Math.abs(0.5 * (fd[a][b] + fd[b][a]) - pr.stress()[a][b]));
                anti = Math.max(anti, 0.5 * Math.abs(fd[a][b] - fd[b][a]));
                max = Math.max(max, Math.abs(pr.stress()[a][b]));
            }
        }
        return new double[] {sym, Math.abs(anti - pr.stressAntisymmetry()), max, anti};
    }

    @Test
    void rawBackboneStressIsTheStrainDerivativeOfTheEnergy() {
        try (NDManager m = Backend.get().newManager()) {
            PetPredictor p = predictor(m);
            Structure s = cell();
            PetPredictor.Prediction pr = p.predict(List.of(s)).get(0);
            double[][] fd = finiteDifferences(p, s);
            double[] c = compare(fd, pr);
            System.out.printf(Locale.ROOT, "PET raw stress vs finite differences (h = %.0e): worst %.2e eV/Å³"
                    + " (max |σ| %.3e); antisymmetric part %.3e, reported within %.2e%n", H, c[0], c[2], c[3], c[1]);
            assertThat(c[2]).isGreaterThan(1e-3);
            assertThat(c[0]).isLessThan(1e-6 * c[2]);
            assertThat(c[1]).isLessThan(1e-6 * c[2]);
            // the raw backbone is not rotation-invariant: the full strain derivative is not symmetric
            assertThat(pr.stressAntisymmetry()).isGreaterThan(1e-3 * c[2]);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    assertThat(pr.stress()[a][b]).isEqualTo(pr.stress()[b][a]);
                }
            }
        }
    }

    @Test
    void batchedStressesMatchSingleOnesAndMoleculesHaveNone() {
        try (NDManager m = Backend.get().newManager()) {
            PetPredictor p = predictor(m);
            Structure s = cell();
            Structure t = strained(s, new double[][] {{0.01, 0.02, 0}, {0, -0.01, 0}, {0.01, 0, 0.03}});
            Structure molecule = PetPluginTest.data(2, 3).get(1);
            List<PetPredictor.Prediction> batch = p.predict(List.of(s, molecule, t));
            assertThat(batch.get(1).stress()).isNull();
            double worst = 0;
            for (int k : new int[] {0, 2}) {
                PetPredictor.Prediction one = p.predict(List.of(k == 0 ? s : t)).get(0);
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        worst = Math.max(worst, Math.abs(one.stress()[a][b] - batch.get(k).stress()[a][b]));
                    }
                }
            }
            assertThat(worst).isLessThan(1e-12);
        }
    }

    @Test
    void ecseStressIsTheStrainDerivativeSymmetricAndRotatesAsATensor() {
        try (NDManager m = Backend.get().newManager()) {
            PetPredictor p = predictor(m).withEcse(EcseConfig.builder(PetPluginTest.tiny().rCut()).build());
            Structure s = cell();
            PetPredictor.Prediction pr = p.predict(List.of(s)).get(0);
            double[][] fd = finiteDifferences(p, s);
            double[] c = compare(fd, pr);
            assertThat(c[2]).isGreaterThan(1e-3);
            assertThat(c[0]).isLessThan(1e-6 * c[2]);
            // exactly invariant energy: symmetric strain derivative (up to rounding), also by finite differences
            assertThat(pr.stressAntisymmetry()).isLessThan(1e-12 * c[2]);
            assertThat(c[3]).isLessThan(1e-6 * c[2]);
            double rot = 0;
            Random r = new Random(3);
            for (int k = 0; k < 3; k++) {
                double[][] q = org.xtal4j.models.pet.ecse.Rotations.randomProper(r);
                double[][] sq = p.predict(List.of(rotated(s, q))).get(0).stress();
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        double want = 0;
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 3; j++) {
                                want += q[a][i] * pr.stress()[i][j] * q[b][j];
                            }
                        }
                        rot = Math.max(rot, Math.abs(sq[a][b] - want));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "PET ECSE stress vs finite differences: worst %.2e eV/Å³ (max |σ| %.3e);"
                    + " antisymmetry %.1e (fd %.1e); |σ(Qr) − QσQᵀ| %.1e%n", c[0], c[2], pr.stressAntisymmetry(),
                    c[3], rot);
            assertThat(rot).isLessThan(1e-10 * c[2]);
        }
    }
}
