package org.xtal4j.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.ToyPlugin;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Tiny synthetic data set for the trainer tests: binary cells of 2–5 atoms, a target linear in composition. */
final class ToyData {

    static final List<String> ELEMENTS = List.of("Li", "O", "Fe", "Cu");
    static final ModelPlugin PLUGIN = new ToyPlugin();

    final List<Structure> train = new ArrayList<>();
    final List<Structure> val = new ArrayList<>();
    final ModelSetup setup;
    final List<Sample> trainSamples;
    final List<Sample> valSamples;

    ToyData() {
        double[] per = {-1.0, -2.5, 0.5, 1.5};
        int k = 0;
        for (int i = 0; i < ELEMENTS.size(); i++) {
            for (int j = 0; j < ELEMENTS.size(); j++) {
                for (int n = 1; n <= 4; n++) {
                    double y = (per[i] + n * per[j]) / (n + 1) + 0.3 * n;
                    (k++ % 4 == 3 ? val : train).add(crystal(ELEMENTS.get(i), ELEMENTS.get(j), n, y));
                }
            }
        }
        Normalisation norm = TargetNormaliser.fit(train, List.of("e_form"), Map.of("e_form", "eV/atom"),
                TargetNormaliser.Mode.SCALE_BIAS);
        setup = new ModelSetup(PLUGIN.parseConfig(null), norm, ELEMENTS, Precision.FLOAT32);
        trainSamples = train.stream().map(s -> PLUGIN.prepare(s, setup)).toList();
        valSamples = val.stream().map(s -> PLUGIN.prepare(s, setup)).toList();
    }

    static Structure crystal(String a, String b, int nb, double target) {
        Structure.Builder s = Structure.builder().lattice(Lattice.fromParameters(4, 4, 4, 90, 90, 90))
                .addSite(Site.of(Element.of(a), new double[] {0, 0, 0}));
        for (int i = 0; i < nb; i++) {
            s.addSite(Site.of(Element.of(b), new double[] {0.5, 0.1 * i, 0.5}));
        }
        return s.property("e_form", target).build();
    }
}
