package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The known-answer check on this machine, and proof that it catches the kinds of fault seen on
 * the machine of issue 9: a few wrong values, NaN, wrong gradients only, a kernel that throws.
 */
class KnownAnswerCheckTest {

    /**
     * The regression test of issue 9: the shapes, layouts and directions that came out wrong on
     * an AMD EPYC processor, in the configuration the guard chose for this one. Run by
     * {@code mvn test} under every oneDNN instruction-set cap (see prune4j-core's pom).
     */
    @Test
    @Tag("engine-paths")
    void theEngineComputesEveryKnownAnswerInTheConfigurationInUse() {
        KnownAnswerCheck.CheckReport report = KnownAnswerCheck.ofEngine().run();
        assertThat(report.failures()).as("configuration %s", EngineGuard.verdict().configurationName()).isEmpty();
        assertThat(report.cases()).hasSizeGreaterThan(70);
        assertThat(report.worstPassingError()).isLessThan(KnownAnswerCheck.TOLERANCE / 10);
    }

    @Test
    void casesCoverTheShapesThatFailedOnTheReportedMachine() {
        List<ReferenceOps.Conv> cases = KnownAnswerCheck.convCases();
        // the minimal reproduction: 16x22x14x14 with a 3x3 kernel, stride 1 and 2
        assertThat(cases).contains(new ReferenceOps.Conv(16, 22, 8, 14, 3, 1, 1, 1),
                new ReferenceOps.Conv(16, 22, 8, 14, 3, 2, 1, 1));
        // 1x1 stride-2 projections with fewer input channels than a vector block, and ResNet-18's
        assertThat(cases).contains(new ReferenceOps.Conv(16, 3, 8, 14, 1, 2, 0, 1),
                new ReferenceOps.Conv(16, 11, 16, 14, 1, 2, 0, 1), new ReferenceOps.Conv(1, 64, 128, 56, 1, 2, 0, 1));
        assertThat(cases).anyMatch(c -> c.groups() == c.in() && c.in() % 2 == 1);   // odd depthwise
    }

    @Test
    void aKernelWrongInOneValueFailsOnlyItsCases() {
        KnownAnswerCheck.Kernels oneWrongValue = new Delegating() {
            @Override
            public NDArray conv2d(NDArray x, NDArray w, int stride, int padding, int groups) {
                NDArray y = super.conv2d(x, w, stride, padding, groups);
                if (x.getShape().get(1) != 22 || groups != 1) {
                    return y;
                }
                // what a faulty tail block does: one output off by 1% of the largest value
                float[] values = y.toFloatArray();
                float max = 0;
                for (float v : values) {
                    max = Math.max(max, Math.abs(v));
                }
                NDArray error = y.getManager().zeros(y.getShape());
                error.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), 0.01f * max);
                return y.add(error);
            }
        };
        KnownAnswerCheck.CheckReport report = KnownAnswerCheck.of(oneWrongValue).run();
        assertThat(report.failures()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.name()).startsWith("conv 16x22x14x14");
            assertThat(f.detail()).startsWith("y relative error");
        });
        // 2 output widths x 2 kernels x 2 strides x 2 layouts
        assertThat(report.failures()).hasSize(16);
    }

    @Test
    void notANumberFailsTheCase() {
        KnownAnswerCheck.Kernels nan = new Delegating() {
            @Override
            public NDArray linear(NDArray x, NDArray w, NDArray b) {
                return super.linear(x, w, b).mul(Float.NaN);
            }
        };
        KnownAnswerCheck.CheckReport report = KnownAnswerCheck.of(nan).run();
        assertThat(report.failures()).extracting(KnownAnswerCheck.CaseResult::name)
                .containsExactly("linear 16x45 -> 11", "linear 16x400 -> 120");
        assertThat(report.failures().get(0).error()).isNaN();
    }

    @Test
    void wrongWeightGradientsFailEvenWhenTheForwardIsRight() {
        KnownAnswerCheck.Kernels wrongBackward = new Delegating() {
            @Override
            public NDArray conv2d(NDArray x, NDArray w, int stride, int padding, int groups) {
                NDArray y = super.conv2d(x, w, stride, padding, groups);
                if (stride != 2 || w.getShape().get(2) != 1) {
                    return y;
                }
                // adds 0 to the output but 0.1 * sum(dy) to every weight gradient
                NDArray extra = Scalars.times(w.sum(), 0.1);
                return y.add(extra.sub(extra.stopGradient()));
            }
        };
        KnownAnswerCheck.CheckReport report = KnownAnswerCheck.of(wrongBackward).run();
        assertThat(report.failures()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.name()).contains(" k1 s2 ");
            assertThat(f.detail()).startsWith("dw relative error");
        });
    }

    @Test
    void aKernelThatThrowsFailsItsCaseWithTheEnginesMessage() {
        KnownAnswerCheck.Kernels throwing = new Delegating() {
            @Override
            public NDArray batchNorm(NDArray x, NDArray mean, NDArray var, NDArray gamma, NDArray beta, double eps) {
                throw new IllegalStateException("primitive creation failed");
            }
        };
        KnownAnswerCheck.CheckReport report = KnownAnswerCheck.of(throwing).run();
        assertThat(report.failures()).hasSize(6)
                .allSatisfy(f -> assertThat(f.detail()).isEqualTo("engine error: primitive creation failed"));
    }

    /** The engine's kernels, for tests to break one of them. */
    private static class Delegating implements KnownAnswerCheck.Kernels {
        @Override
        public NDArray conv2d(NDArray x, NDArray w, int stride, int padding, int groups) {
            return ENGINE.conv2d(x, w, stride, padding, groups);
        }

        @Override
        public NDArray batchNorm(NDArray x, NDArray mean, NDArray var, NDArray gamma, NDArray beta, double eps) {
            return ENGINE.batchNorm(x, mean, var, gamma, beta, eps);
        }

        @Override
        public NDArray linear(NDArray x, NDArray w, NDArray b) {
            return ENGINE.linear(x, w, b);
        }
    }
}
