package org.prune4j.pruning.regime;

/** What every built-in regime holds: its name and options; its own epochs are the options' (per pass). */
abstract class NamedRegime implements Regime {

    final RegimeOptions options;
    private final String name;

    NamedRegime(String name, RegimeOptions options) {
        this.name = name;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int regimeEpochs() {
        return options.epochs();
    }
}
