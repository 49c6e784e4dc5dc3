package org.xtal4j.io.cif;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xtal4j.structure.Element;

/**
 * The element of an atom from its {@code _atom_site_type_symbol} ({@code Sr2+}, {@code O2-}) or,
 * without one, its label ({@code Al13}, {@code O(1)}), by pymatgen's rule: the first two characters
 * as an element symbol in any case, else the first one. Also as pymatgen: {@code Wat*}, {@code Ow*}
 * are water oxygens, {@code Hw*} water hydrogens. Deuterium {@code D} is read as hydrogen, because
 * the element table has no isotopes. As pymatgen, {@code NO3*} is nitrogen (not nobelium); unlike
 * pymatgen, which drops atoms labelled {@code OH*}, those are read as oxygen.
 */
final class CifElements {

    private static final Pattern LEADING_LETTERS = Pattern.compile("^[A-Za-z]+");

    private CifElements() {
    }

    /** The element, or empty when the symbol names none. */
    static Optional<Element> parse(String symbol) {
        String s = symbol.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.startsWith("Wat") || s.startsWith("wat") || s.startsWith("Ow")) {
            return Optional.of(Element.of("O"));
        }
        if (s.startsWith("Hw")) {
            return Optional.of(Element.of("H"));
        }
        if (s.startsWith("NO3")) {
            return Optional.of(Element.of("N"));
        }
        if (s.length() >= 2) {
            Optional<Element> two = Element.lookup(s.substring(0, 2));
            if (two.isPresent()) {
                return two;
            }
        }
        Optional<Element> one = Element.lookup(s.substring(0, 1));
        if (one.isPresent()) {
            return one;
        }
        if (isDeuterium(s)) {
            return Optional.of(Element.of("H"));
        }
        return Optional.empty();
    }

    /** "D", "D1", "D1+": deuterium (no other element symbol starts with D and a non-letter). */
    static boolean isDeuterium(String s) {
        return (s.charAt(0) == 'D' || s.charAt(0) == 'd') && (s.length() == 1 || !Character.isLetter(s.charAt(1)));
    }

    /** Whether the symbol's leading letters are exactly the element's symbol (no guessing involved). */
    static boolean isExact(String symbol, Element element) {
        Matcher m = LEADING_LETTERS.matcher(symbol.strip());
        return m.find() && m.group().equalsIgnoreCase(element.symbol());
    }
}
