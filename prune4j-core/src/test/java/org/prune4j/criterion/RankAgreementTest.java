package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

class RankAgreementTest {

    @Test
    void oneSwappedPairGivesTheTextbookValues() {
        // ranks 1 2 3 4 vs 1 3 2 4: rho = 1 - 6*2/(4*15) = 0.8; 5 concordant, 1 discordant pair: tau = 4/6
        RankAgreement a = RankAgreement.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {10, 30, 20, 40});
        assertThat(a.spearman()).isCloseTo(0.8, within(1e-12));
        assertThat(a.kendall()).isCloseTo(4.0 / 6, within(1e-12));
    }

    @Test
    void onlyTheOrderMattersAndAReversedOrderIsMinusOne() {
        float[] ref = {3, 1, 4, 1.5f, 5, 9, 2, 6};
        float[] monotone = new float[ref.length];
        float[] reversed = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            monotone[i] = (float) Math.exp(ref[i]);
            reversed[i] = -ref[i];
        }
        assertThat(RankAgreement.of(ref, monotone)).isEqualTo(new RankAgreement(1, 1));
        assertThat(RankAgreement.of(ref, reversed).spearman()).isCloseTo(-1, within(1e-12));
        assertThat(RankAgreement.of(ref, reversed).kendall()).isCloseTo(-1, within(1e-12));
    }

    @Test
    void aConstantRankingOrASingleChannelIsUndefinedAndLeftOutOfTheMean() {
        assertThat(RankAgreement.of(new float[] {1, 2, 3}, new float[] {0, 0, 0}).spearman()).isNaN();
        assertThat(RankAgreement.of(new float[] {1}, new float[] {2}).kendall()).isNaN();
        Map<String, float[]> ref = new LinkedHashMap<>();
        Map<String, float[]> other = new LinkedHashMap<>();
        ref.put("a", new float[] {1, 2, 3});
        other.put("a", new float[] {1, 2, 3});
        ref.put("b", new float[] {1, 2, 3});
        other.put("b", new float[] {5, 5, 5});
        assertThat(RankAgreement.meanOverGroups(ref, other)).isEqualTo(new RankAgreement(1, 1));
    }

    @Test
    void poolingRanksAllChannelsTogetherSoScalesAcrossGroupsMatter() {
        Map<String, float[]> ref = new LinkedHashMap<>();
        Map<String, float[]> other = new LinkedHashMap<>();
        ref.put("a", new float[] {1, 2});
        ref.put("b", new float[] {3, 4});
        other.put("a", new float[] {30, 40}); // right order within each group, wrong across them
        other.put("b", new float[] {1, 2});
        assertThat(RankAgreement.meanOverGroups(ref, other).spearman()).isEqualTo(1);
        assertThat(RankAgreement.pooled(ref, other).spearman()).isCloseTo(-0.6, within(1e-12));
    }
}
