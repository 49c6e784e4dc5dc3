package org.xtal4j.io.poscar;

import java.util.Optional;
import org.xtal4j.structure.Element;

/** Element of a VASP species name: {@code Fe}, {@code Fe_pv}, {@code Fe_sv_GW}, {@code Fe/1a2b3c} (VASP 6). */
final class PoscarSpecies {

    private PoscarSpecies() {
    }

    static Optional<Element> element(String name) {
        int cut = name.length();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '/' || c == '.') {
                cut = i;
                break;
            }
        }
        String symbol = name.substring(0, cut);
        try {
            return Optional.of(Element.of(symbol));
        } catch (IllegalArgumentException e) {
            return Element.lookup(symbol);
        }
    }
}
