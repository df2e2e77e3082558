package dev.sensorpub.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.Imports;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaPackageRulesTest {
    @Test
    void haUsesOnlyTheJdkConfigCodecAndLog() throws Exception {
        assertEquals(List.of(), Imports.outside("ha", "java.", "dev.sensorpub.config.", "dev.sensorpub.codec.",
                "dev.sensorpub.log."));
    }
}
