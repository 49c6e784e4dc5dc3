/**
 * Crystalformer (Taniai et al., ICLR 2024; specs/crystalformer.md) on DJL: {@link
 * org.xtal4j.models.crystalformer.CrystalformerPlugin} (model name "crystalformer"), its hyper-parameters
 * {@link org.xtal4j.models.crystalformer.CrystalformerConfig} (reference names and defaults, plus the box
 * semantics: adaptive per-(atom, head) boxes as the reference's CUDA kernels, or the fixed box of its
 * PyTorch path), the batch geometry {@link org.xtal4j.models.crystalformer.CrystalformerGeometry} (plain Java
 * doubles, once per batch), the periodic encodings and the network {@link
 * org.xtal4j.models.crystalformer.CrystalformerBlock}, whose parameters carry the reference's state-dict names.
 * Checked number for number against the reference (testdata/crystalformer-parity).
 */
package org.xtal4j.models.crystalformer;
