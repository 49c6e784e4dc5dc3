package org.xtal4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheReferenceHyperParameters() {
        TrainConfig c = TrainConfig.defaultConfig();
        assertThat(c.seed()).isEqualTo(123);
        assertThat(c.optimizer()).isEqualTo("adamw");
        assertThat(c.lr()).isEqualTo(5e-4);
        assertThat(c.beta1()).isEqualTo(0.9);
        assertThat(c.beta2()).isEqualTo(0.98);
        assertThat(c.eps()).isEqualTo(1e-8);
        assertThat(c.weightDecay()).isEqualTo(1e-5);
        assertThat(c.nodecayWeightDecay()).isEqualTo(0.01);
        assertThat(c.clipNorm()).isEqualTo(1.0);
        assertThat(c.clipValue()).isEqualTo(0.0);
        assertThat(c.lrSchedule()).isEqualTo("inverse_sqrt_nowarmup");
        assertThat(c.schParams()).containsExactly(4000);
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.epochs()).isEqualTo(500);
        assertThat(c.swaEpochs()).isEqualTo(50);
        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
    }

    @Test
    void jsonYamlAndOverrides() throws Exception {
        Path json = dir.resolve("t.json");
        Files.writeString(json, "{\"lr\": 0.001, \"n_epochs\": 20, \"adam_betas\": [0.9, 0.999], \"sch_params\": [100]}");
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "lr: 0.001\nepochs: 20\nadam_betas: [0.9, 0.999]\nsch_params:\n  - 100\n");
        TrainConfig a = TrainConfig.read(json);
        TrainConfig b = TrainConfig.read(yaml);
        assertThat(a).isEqualTo(b);
        assertThat(a.epochs()).isEqualTo(20);
        assertThat(a.beta2()).isEqualTo(0.999);
        TrainConfig o = a.withOverrides(List.of("batch_size=16", "adam_betas=0.8,0.9", "loss_func=MSE",
                "amsgrad=true", "epochs=30", "lr_sch=const"));
        assertThat(o.batchSize()).isEqualTo(16);
        assertThat(o.beta1()).isEqualTo(0.8);
        assertThat(o.lossFunc()).isEqualTo("MSE");
        assertThat(o.amsgrad()).isTrue();
        assertThat(o.epochs()).isEqualTo(30);
        assertThat(o.lr()).isEqualTo(0.001);
        assertThat(TrainConfig.builder().lr(0.001).epochs(20).betas(0.9, 0.999).schedule("inverse_sqrt_nowarmup", 100)
                .build()).isEqualTo(a);
    }

    @Test
    void errorsNameTheKey() {
        ObjectMapper m = new ObjectMapper();
        assertThatThrownBy(() -> TrainConfig.fromJson(m.readTree("{\"learning_rate\": 1}")))
                .hasMessageContaining("unknown training parameter 'learning_rate'");
        assertThatThrownBy(() -> TrainConfig.fromJson(m.readTree("{\"batch_size\": 1.5}")))
                .hasMessageContaining("'batch_size' must be an integer");
        assertThatThrownBy(() -> TrainConfig.fromJson(m.readTree("{\"amsgrad\": \"yes\"}")))
                .hasMessageContaining("'amsgrad' must be true or false");
        assertThatThrownBy(() -> TrainConfig.defaultConfig().withOverrides(List.of("lr")))
                .hasMessageContaining("not of the form key=value");
        assertThatThrownBy(() -> TrainConfig.defaultConfig().withOverrides(List.of("loss_func=L3")))
                .hasMessageContaining("unknown loss_func 'L3'");
        assertThatThrownBy(() -> TrainConfig.builder().swaEpochs(-1).build()).hasMessageContaining("swa_epochs");
        assertThatThrownBy(() -> TrainConfig.builder().lr(-1).build()).hasMessageContaining("lr must be > 0");
    }
}
