package org.xtal4j.symmetry;

import java.util.List;

/**
 * One setting of a space group: the Hall symbol, the Hermann–Mauguin symbols, the setting choice
 * (origin choice {@code 1}/{@code 2}, axes {@code H}/{@code R}, or an axis permutation such as
 * {@code cab}) and its full list of operations.
 *
 * @param hallNumber spglib's Hall number 1..530 (0 for a setting built by this library, e.g. a
 *     non-standard centring)
 * @param number International Tables number 1..230
 * @param hallSymbol Hall symbol, e.g. {@code "-P 2c 2ab"}
 * @param fullSymbol full H-M symbol, e.g. {@code "P 2_1/b 2_1/n 2_1/m"}
 * @param shortSymbol short H-M symbol, e.g. {@code "Pbnm"}
 * @param choice setting choice, empty when there is only one
 * @param operations all operations, including centring translations
 */
public record SpaceGroupSetting(int hallNumber, int number, String hallSymbol, String fullSymbol, String shortSymbol,
        String choice, List<SymmetryOperation> operations) {

    public SpaceGroupSetting {
        operations = List.copyOf(operations);
    }

    /** {@code "P b n m (No. 62, Hall -P 2c 2ab)"}, for messages. */
    public String describe() {
        String hm = shortSymbol + (choice.isEmpty() ? "" : ":" + choice);
        return hm + " (No. " + number + (hallSymbol.isEmpty() ? "" : ", Hall '" + hallSymbol + "'") + ")";
    }
}
