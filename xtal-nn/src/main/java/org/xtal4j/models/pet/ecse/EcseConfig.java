package org.xtal4j.models.pet.ecse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * ECSE hyper-parameters (spec pet.md §3.8, reference names in brackets), immutable; build with
 * {@link #builder(double)} where the argument is the backbone's cut-off R_c. Defaults are the reference's
 * {@code sp_default_hypers.yaml} except the additional rotations (see {@link Builder#additionalRotations}).
 * Only the "tanh" switching mode of the reference is implemented (its default).
 */
public final class EcseConfig {

    private final double rCut;
    private final double rCutOuterUpperBound;
    private final double beta;
    private final double betaWeights;
    private final double deltaRCut;
    private final double w;
    private final double deltaW;
    private final boolean linearMultiplier;
    private final double auxThreshold;
    private final double auxThresholdDelta;
    private final double pruningThreshold;
    private final double pruningThresholdDelta;
    private final int numPrunings;
    private final double pruningTurnOnThreshold;
    private final double pruningTurnOnThresholdDelta;
    private final boolean speciesPruning;
    private final double epsilon;
    private final List<double[][]> additionalRotations;
    private final int frameBatchSize;
    private final boolean strictAux;

    private EcseConfig(Builder b) {
        rCut = b.rCut;
        rCutOuterUpperBound = b.rCutOuterUpperBound;
        beta = b.beta;
        betaWeights = b.betaWeights;
        deltaRCut = b.deltaRCut;
        w = b.w;
        deltaW = b.deltaW;
        linearMultiplier = b.linearMultiplier;
        auxThreshold = b.auxThreshold;
        auxThresholdDelta = b.auxThresholdDelta;
        pruningThreshold = b.pruningThreshold;
        pruningThresholdDelta = b.pruningThresholdDelta;
        numPrunings = b.numPrunings;
        pruningTurnOnThreshold = b.pruningTurnOnThreshold;
        pruningTurnOnThresholdDelta = b.pruningTurnOnThresholdDelta;
        speciesPruning = b.speciesPruning;
        epsilon = b.epsilon;
        List<double[][]> rots = new ArrayList<>();
        for (double[][] r : b.additionalRotations) {
            rots.add(copy3(r));
        }
        additionalRotations = List.copyOf(rots);
        frameBatchSize = b.frameBatchSize;
        strictAux = b.strictAux;
        check(rCut > 0, "rCut must be > 0");
        check(rCutOuterUpperBound > 0, "R_CUT_OUTER_UPPER_BOUND must be > 0");
        check(beta > 0 && betaWeights > 0, "BETA and BETA_WEIGHTS must be > 0");
        check(deltaRCut > 0 && deltaW > 0, "DELTA_R_CUT and DELTA_W must be > 0");
        check(w - deltaW >= 0, "W - DELTA_W must be >= 0");
        check(auxThresholdDelta > 0 && pruningThresholdDelta > 0 && pruningTurnOnThresholdDelta > 0,
                "switch widths must be > 0");
        check(numPrunings >= 0, "NUM_PRUNNINGS must be >= 0");
        check(epsilon >= 0, "epsilon must be >= 0");
        check(!additionalRotations.isEmpty(), "at least one additional rotation (the identity) is needed");
        check(frameBatchSize >= 1, "frame batch size must be >= 1");
    }

    public static Builder builder(double rCut) {
        return new Builder(rCut);
    }

    public Builder toBuilder() {
        Builder b = new Builder(rCut);
        b.rCutOuterUpperBound = rCutOuterUpperBound;
        b.beta = beta;
        b.betaWeights = betaWeights;
        b.deltaRCut = deltaRCut;
        b.w = w;
        b.deltaW = deltaW;
        b.linearMultiplier = linearMultiplier;
        b.auxThreshold = auxThreshold;
        b.auxThresholdDelta = auxThresholdDelta;
        b.pruningThreshold = pruningThreshold;
        b.pruningThresholdDelta = pruningThresholdDelta;
        b.numPrunings = numPrunings;
        b.pruningTurnOnThreshold = pruningTurnOnThreshold;
        b.pruningTurnOnThresholdDelta = pruningTurnOnThresholdDelta;
        b.speciesPruning = speciesPruning;
        b.epsilon = epsilon;
        b.additionalRotations = new ArrayList<>(additionalRotations);
        b.frameBatchSize = frameBatchSize;
        b.strictAux = strictAux;
        return b;
    }

    /** The backbone's cut-off R_c. */
    public double rCut() {
        return rCut;
    }

    /** R_out = min(R_c, R_CUT_OUTER_UPPER_BOUND): the outer radius of the adaptive R_in search. */
    public double rCutOuter() {
        return Math.min(rCut, rCutOuterUpperBound);
    }

    public double beta() {
        return beta;
    }

    public double betaWeights() {
        return betaWeights;
    }

    public double deltaRCut() {
        return deltaRCut;
    }

    public double w() {
        return w;
    }

    public double deltaW() {
        return deltaW;
    }

    public boolean linearMultiplier() {
        return linearMultiplier;
    }

    public double auxThreshold() {
        return auxThreshold;
    }

    public double auxThresholdDelta() {
        return auxThresholdDelta;
    }

    public double pruningThreshold() {
        return pruningThreshold;
    }

    public double pruningThresholdDelta() {
        return pruningThresholdDelta;
    }

    public int numPrunings() {
        return numPrunings;
    }

    public double pruningTurnOnThreshold() {
        return pruningTurnOnThreshold;
    }

    public double pruningTurnOnThresholdDelta() {
        return pruningTurnOnThresholdDelta;
    }

    public boolean speciesPruning() {
        return speciesPruning;
    }

    /** Frames with weight ≤ epsilon are dropped (reference: 1e-10). */
    public double epsilon() {
        return epsilon;
    }

    /** The fixed rotations R_a (row-vector convention, frames become F·R_a); copies. */
    public List<double[][]> additionalRotations() {
        List<double[][]> out = new ArrayList<>();
        for (double[][] r : additionalRotations) {
            out.add(copy3(r));
        }
        return out;
    }

    public int numAdditionalRotations() {
        return additionalRotations.size();
    }

    /** How many rotated copies of the structure one backbone call receives (and one backward frees). */
    public int frameBatchSize() {
        return frameBatchSize;
    }

    /** If true, a weak ensemble (w_aux &gt; epsilon) without an auxiliary model is an error. */
    public boolean strictAux() {
        return strictAux;
    }

    private static double[][] copy3(double[][] r) {
        check(r.length == 3 && r[0].length == 3 && r[1].length == 3 && r[2].length == 3,
                "rotations must be 3x3");
        return new double[][] {r[0].clone(), r[1].clone(), r[2].clone()};
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Mutable builder; defaults as in the reference's {@code sp_default_hypers.yaml}. */
    public static final class Builder {
        private final double rCut;
        private double rCutOuterUpperBound = 10.0;
        private double beta = 5.0;
        private double betaWeights = 1.0;
        private double deltaRCut = 0.15;
        private double w = 0.2;
        private double deltaW = 0.15;
        private boolean linearMultiplier = true;
        private double auxThreshold = 0.5;
        private double auxThresholdDelta = 0.5;
        private double pruningThreshold = 0.9;
        private double pruningThresholdDelta = 0.1;
        private int numPrunings = 4;
        private double pruningTurnOnThreshold = 0.5;
        private double pruningTurnOnThresholdDelta = 0.25;
        private boolean speciesPruning = false;
        private double epsilon = 1e-10;
        private List<double[][]> additionalRotations = identityList();
        private int frameBatchSize = 16;
        private boolean strictAux = false;

        private Builder(double rCut) {
            this.rCut = rCut;
        }

        private static List<double[][]> identityList() {
            List<double[][]> l = new ArrayList<>();
            l.add(Rotations.identity());
            return l;
        }

        public Builder rCutOuterUpperBound(double v) {
            rCutOuterUpperBound = v;
            return this;
        }

        public Builder beta(double v) {
            beta = v;
            return this;
        }

        public Builder betaWeights(double v) {
            betaWeights = v;
            return this;
        }

        public Builder deltaRCut(double v) {
            deltaRCut = v;
            return this;
        }

        public Builder w(double v) {
            w = v;
            return this;
        }

        public Builder deltaW(double v) {
            deltaW = v;
            return this;
        }

        public Builder linearMultiplier(boolean v) {
            linearMultiplier = v;
            return this;
        }

        public Builder auxThreshold(double threshold, double delta) {
            auxThreshold = threshold;
            auxThresholdDelta = delta;
            return this;
        }

        public Builder pruningThreshold(double threshold, double delta) {
            pruningThreshold = threshold;
            pruningThresholdDelta = delta;
            return this;
        }

        public Builder numPrunings(int v) {
            numPrunings = v;
            return this;
        }

        public Builder pruningTurnOnThreshold(double threshold, double delta) {
            pruningTurnOnThreshold = threshold;
            pruningTurnOnThresholdDelta = delta;
            return this;
        }

        public Builder speciesPruning(boolean v) {
            speciesPruning = v;
            return this;
        }

        public Builder epsilon(double v) {
            epsilon = v;
            return this;
        }

        /**
         * The additional rotations R_a (N_ADDITIONAL_AUG of them). The reference draws fresh random ones on
         * every call, which makes its output non-reproducible; any fixed set is exactly as equivariant (the
         * R_a act after the frames, which already absorb the structure's orientation), so here they are fixed.
         * Default: the identity alone, as in the parity fixture.
         */
        public Builder additionalRotations(List<double[][]> rotations) {
            additionalRotations = new ArrayList<>(rotations);
            return this;
        }

        /** n fixed uniform random proper rotations drawn from the seed (reproducible N_ADDITIONAL_AUG = n). */
        public Builder randomAdditionalRotations(int n, long seed) {
            check(n >= 1, "need at least one additional rotation");
            Random rng = new Random(seed);
            List<double[][]> rots = new ArrayList<>();
            for (int a = 0; a < n; a++) {
                rots.add(Rotations.randomProper(rng));
            }
            additionalRotations = rots;
            return this;
        }

        public Builder frameBatchSize(int v) {
            frameBatchSize = v;
            return this;
        }

        public Builder strictAux(boolean v) {
            strictAux = v;
            return this;
        }

        public EcseConfig build() {
            return new EcseConfig(this);
        }
    }
}
