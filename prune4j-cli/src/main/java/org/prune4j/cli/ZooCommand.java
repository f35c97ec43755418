package org.prune4j.cli;

import org.prune4j.metrics.ModelSummary;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooArchitecture;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j zoo}: lists the architectures with their size at Fashion-MNIST shape. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = "List the model zoo (parameters and MACs for 1x28x28 inputs, 10 classes).")
final class ZooCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ZooArchitecture a : ModelZoo.architectures()) {
            ModelSummary s = ModelSummary.of(a.build(ZooOptions.fashionMnist()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", a.name());
            row.put("description", a.description());
            row.put("parameters", s.parameters());
            row.put("macs", s.macs());
            rows.add(row);
        }
        if (common.json) {
            System.out.println(CommonOptions.toJson(Map.of("models", rows)));
        } else {
            for (Map<String, Object> r : rows) {
                System.out.printf("%-12s %10s params %14s MACs  %s%n", r.get("name"),
                        String.format("%,d", (long) r.get("parameters")), String.format("%,d", (long) r.get("macs")),
                        r.get("description"));
            }
        }
        return 0;
    }
}
