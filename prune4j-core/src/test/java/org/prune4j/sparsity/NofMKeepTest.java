package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

class NofMKeepTest {

    @ParameterizedTest
    @CsvSource({"2,4", "1,4", "4,8", "1,2"})
    void everyGroupOfMInputWeightsKeepsExactlyNNonZeros(int n, int m) {
        try (Model model = UnstructuredPrunerTest.lenet(n * 10L + m);
                WeightMasks masks = UnstructuredPruner.builder().setMethod("nm-" + n + ":" + m).build().prune(model)) {
            NofMKeep rule = new NofMKeep(n, m);
            int checkedLayers = 0;
            for (Parameter w : PrunableWeights.of(model, false)) {
                long[] s = w.value().getShape().getShape();
                float[] v = w.value().toFloatArray();
                if (!rule.applies(w.value().getShape())) {
                    assertThat(v).as(w.fullName() + " is left dense").doesNotContain(0f);
                    continue;
                }
                checkedLayers++;
                int in = (int) s[1];
                int inner = (int) (v.length / (s[0] * in));
                for (int o = 0; o < s[0]; o++) {
                    for (int k = 0; k < inner; k++) {
                        for (int c0 = 0; c0 < in; c0 += m) {
                            int nonZero = 0;
                            for (int j = 0; j < m; j++) {
                                nonZero += v[(int) ((o * in + c0 + j) * inner + k)] != 0 ? 1 : 0;
                            }
                            assertThat(nonZero).as("%s out %d pos %d inputs %d..", w.fullName(), o, k, c0).isEqualTo(n);
                        }
                    }
                }
            }
            assertThat(checkedLayers).isGreaterThanOrEqualTo(2);
        }
    }
}
