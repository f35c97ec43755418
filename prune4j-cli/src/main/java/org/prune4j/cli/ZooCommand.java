package org.prune4j.cli;

import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooArchitecture;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code prune4j zoo}: lists the architectures. */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "List the model zoo.")
final class ZooCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (ZooArchitecture a : ModelZoo.architectures()) {
            System.out.printf("%-12s %s%n", a.name(), a.description());
        }
        return 0;
    }
}
