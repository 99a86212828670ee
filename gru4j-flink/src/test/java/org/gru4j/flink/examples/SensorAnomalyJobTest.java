package org.gru4j.flink.examples;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Flink example on the shipped sensor data, at parallelism 2. */
class SensorAnomalyJobTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void flagsTheLabelledAnomalies() throws Exception {
        SensorAnomalyJob.Report r = SensorAnomalyJob.run(Path.of("../data/sensors/suthaharan-sensors.csv"), 2);
        System.out.println("Flink sensor example: " + r);
        assertEquals(18914, r.readings());
        assertEquals(149, r.anomalies());
        // the rolling z-score baseline of `gru4j anomaly` reaches F1 0.10, AUC 0.57 on the same data
        assertTrue(r.auc() > 0.9, "AUC " + r.auc());
        assertTrue(r.f1() > 0.3, "F1 " + r.f1());
    }
}
