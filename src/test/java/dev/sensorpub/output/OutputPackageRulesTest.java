package dev.sensorpub.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.Imports;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputPackageRulesTest {
    /** No Pi4J (sensor.pi4j implements DigitalOutput), no queue or session (the agent publishes). */
    @Test
    void outputUsesOnlyTheJdkConfigCodecAndLog() throws Exception {
        assertEquals(List.of(), Imports.outside("output", "java.", "dev.sensorpub.config.", "dev.sensorpub.codec.",
                "dev.sensorpub.log."));
    }
}
