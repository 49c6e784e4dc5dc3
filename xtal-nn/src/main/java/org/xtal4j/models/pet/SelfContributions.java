package org.xtal4j.models.pet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * PET's per-species self-contributions (pet.md §2.3): ridge regression without intercept (α = 1e-10) of the
 * structures' energies on their per-element atom counts, as the reference's scikit-learn {@code Ridge}.
 */
public final class SelfContributions {

    public static final double ALPHA = 1e-10;

    private SelfContributions() {
    }

    /**
     * @param counts   per structure, element symbol → atom count
     * @param energies per structure energy (eV)
     * @return element symbol → e_s (eV), for every element that occurs
     */
    public static Map<String, Double> fit(List<Map<String, Integer>> counts, double[] energies) {
        TreeSet<String> names = new TreeSet<>();
        counts.forEach(c -> names.addAll(c.keySet()));
        List<String> el = new ArrayList<>(names);
        int k = el.size();
        double[][] a = new double[k][k + 1];
        for (int s = 0; s < counts.size(); s++) {
            double[] x = new double[k];
            for (int i = 0; i < k; i++) {
                x[i] = counts.get(s).getOrDefault(el.get(i), 0);
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[i] * x[j];
                }
                a[i][k] += x[i] * energies[s];
            }
        }
        for (int i = 0; i < k; i++) {
            a[i][i] += ALPHA;
        }
        double[] sol = solve(a, k);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            out.put(el.get(i), sol[i]);
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting on the augmented k × (k + 1) matrix. */
    private static double[] solve(double[][] a, int k) {
        for (int c = 0; c < k; c++) {
            int piv = c;
            for (int r = c + 1; r < k; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int r = c + 1; r < k; r++) {
                double f = a[r][c] / a[c][c];
                for (int j = c; j <= k; j++) {
                    a[r][j] -= f * a[c][j];
                }
            }
        }
        double[] x = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double s = a[r][k];
            for (int j = r + 1; j < k; j++) {
                s -= a[r][j] * x[j];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
