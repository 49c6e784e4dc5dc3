/**
 * Site-Net (Moran et al., Digital Discovery 2023), spec {@code sitenet.md}: the input pipeline
 * ({@link org.xtal4j.models.sitenet.SiteNetSupercell}, {@link org.xtal4j.models.sitenet.SiteNetFeatures}),
 * index-tensor batching ({@link org.xtal4j.models.sitenet.SiteNetBatch}), the forward pass
 * ({@link org.xtal4j.models.sitenet.SiteNetForward}), the model plugin
 * ({@link org.xtal4j.models.sitenet.SiteNetPlugin}, "sitenet") and the attention-distance analysis with
 * the long-range coefficient ({@link org.xtal4j.models.sitenet.AttentionAnalysis},
 * {@link org.xtal4j.models.sitenet.AttentionPlots}). Parameters carry the reference's {@code state_dict}
 * names, so the reference's weights load directly.
 */
package org.xtal4j.models.sitenet;
