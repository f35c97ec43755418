package org.prune4j.engine;

/** A fresh JVM for {@link EngineSelfCheckTest}: the guard decides in-process, then the engine is used. */
public final class InProcessGuardMain {

    private InProcessGuardMain() {}

    public static void main(String[] args) {
        EngineGuard.Verdict v = EngineGuard.verdict();
        System.out.println("verdict " + v.configurationName() + " | " + v.how() + " | " + v.attemptSummaries());
        System.out.println("known answers after the verdict: " + KnownAnswerCheck.ofEngine().run().passed());
    }
}
