/**
 * ECSE, the equivariant coordinate-system ensemble of PET (Pozdnyakov &amp; Ceriotti, NeurIPS 2023; spec
 * {@code pet.md} §3, reference {@code sp_frames_calculator.py} / {@code pet_sp.py}): makes any backbone exactly
 * invariant (energies) or equivariant (forces, vectors) under proper rotations, smoothly, by averaging it over
 * local frames built from pairs of neighbours. Backbone-agnostic: the backbone is an
 * {@link org.xtal4j.models.pet.ecse.EcseBackbone} (edge vectors → energy), the structure an
 * {@link org.xtal4j.models.pet.ecse.EcseEdges}. Entry point {@link org.xtal4j.models.pet.ecse.Ecse};
 * the frame ensemble alone {@link org.xtal4j.models.pet.ecse.FrameSelector}; switching functions
 * {@link org.xtal4j.models.pet.ecse.Switching}; training-time random O(3) augmentation
 * {@link org.xtal4j.models.pet.ecse.Rotations}. Design notes: {@code docs/pet.md}, section ECSE.
 */
package org.xtal4j.models.pet.ecse;
