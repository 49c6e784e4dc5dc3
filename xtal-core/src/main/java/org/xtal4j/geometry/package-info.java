/**
 * Lattice geometry for periodic structures: supercells ({@link org.xtal4j.geometry.SupercellBuilder}),
 * minimum-image distances ({@link org.xtal4j.geometry.MinimumImage}), full periodic neighbour lists
 * with reverse edges ({@link org.xtal4j.geometry.NeighbourList}) and lattice-translation sets
 * ({@link org.xtal4j.geometry.LatticeTranslations}).
 *
 * <p>Conventions: lattice matrices have rows a, b, c (Å); integer transformations have rows = new
 * vectors in units of the old ones (new matrix = T·M); image shifts S are integer multiples of the
 * lattice rows (r_ij = r_j + S·L − r_i); reciprocal lengths |b*| are crystallographic (no 2π).
 * Lattice reductions (LLL, Niggli) and the primitive-cell search live in {@code org.xtal4j.symmetry}.
 */
package org.xtal4j.geometry;
