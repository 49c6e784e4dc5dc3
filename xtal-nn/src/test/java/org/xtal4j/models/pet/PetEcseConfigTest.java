package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.xtal4j.models.pet.ecse.EcseConfig;

/** ECSE hyper-parameters of a PET model: reference names, defaults, R_c from the model, rejected values. */
class PetEcseConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PetConfig PET = PetConfig.builder().rCut(4.5).build();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void defaultsAreTheReferenceOnesWithTheModelsCutoff() {
        EcseConfig c = PetEcse.config(PET, null);
        assertThat(c.rCut()).isEqualTo(4.5);
        assertThat(c.beta()).isEqualTo(5.0);
        assertThat(c.numPrunings()).isEqualTo(4);
        assertThat(c.numAdditionalRotations()).isEqualTo(1);
        assertThat(c.additionalRotations().get(0)).isEqualTo(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
    }

    @Test
    void readsReferenceNames() throws Exception {
        EcseConfig c = PetEcse.config(PET, json("""
                {"BETA": 3.0, "W": 0.3, "DELTA_W": 0.1, "AUX_THRESHOLD": 0.4, "AUX_THRESHOLD_DELTA": 0.3,
                 "PRUNNING_THRESHOLD": 0.8, "NUM_PRUNNINGS": 2, "N_ADDITIONAL_AUG": 3, "SPECIES_PRUNNING": true,
                 "CUTOFF_FUNC_MODE": "tanh", "ADD_LINEAR_MULTIPLIER_Q_FUNC": false, "BATCH_SIZE_SP": 4}"""));
        assertThat(c.beta()).isEqualTo(3.0);
        assertThat(c.w()).isEqualTo(0.3);
        assertThat(c.deltaW()).isEqualTo(0.1);
        assertThat(c.auxThreshold()).isEqualTo(0.4);
        assertThat(c.auxThresholdDelta()).isEqualTo(0.3);
        assertThat(c.pruningThreshold()).isEqualTo(0.8);
        assertThat(c.pruningThresholdDelta()).isEqualTo(0.1);
        assertThat(c.numPrunings()).isEqualTo(2);
        assertThat(c.numAdditionalRotations()).isEqualTo(3);
        assertThat(c.speciesPruning()).isTrue();
        assertThat(c.linearMultiplier()).isFalse();
        assertThat(c.frameBatchSize()).isEqualTo(4);
    }

    @Test
    void rejectsUnknownOrUnsupportedValues() throws Exception {
        assertThatThrownBy(() -> PetEcse.config(PET, json("{\"BETTA\": 1}"))).hasMessageContaining("BETTA");
        assertThatThrownBy(() -> PetEcse.config(PET, json("{\"Q_FUNC_MODE\": \"cos\"}")))
                .hasMessageContaining("only tanh");
        assertThatThrownBy(() -> PetEcse.config(PET, json("{\"AUX_THRESHOLD_DELTA\": 0.2}")))
                .hasMessageContaining("needs AUX_THRESHOLD");
        assertThatThrownBy(() -> PetEcse.config(PET, json("{\"NUM_PRUNNINGS\": 1.5}")))
                .hasMessageContaining("integer");
    }

    @Test
    void petHyperParametersAcceptTheEcseObject() throws Exception {
        PetConfig c = PetConfig.fromJson(json("{\"R_CUT\": 4.0, \"ECSE_HYPERS\": {\"BETA\": 2.0}}"));
        assertThat(c.rCut()).isEqualTo(4.0);
    }
}
