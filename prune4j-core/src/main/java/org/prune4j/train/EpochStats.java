package org.prune4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one epoch did: training loss and accuracy, speed, and validation if there was any. */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, long images,
        double seconds, double learningRate, EvalResult validation) {

    public double imagesPerSecond() {
        return images / seconds;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch + 1);
        m.put("trainLoss", trainLoss);
        m.put("trainAccuracy", trainAccuracy);
        m.put("images", images);
        m.put("seconds", seconds);
        m.put("imagesPerSecond", imagesPerSecond());
        m.put("learningRate", learningRate);
        if (validation != null) {
            m.put("validation", validation.toMap());
        }
        return m;
    }
}
