package dev.sensorpub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhMarkdownTableTest {

    @Test
    void rendersTimeBytesPerOpAndRatioToTheBaselineForEachParameterSet() {
        List<String> csv = List.of(
                "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: payloadSize\"",
                "\"x.B.ours\",\"avgt\",1,5,10.0,0.5,\"ns/op\",32",
                "\"x.B.ours:gc.alloc.rate.norm\",\"avgt\",1,5,0.0001,0.0,\"B/op\",32",
                "\"x.B.theirs\",\"avgt\",1,5,120.0,3.0,\"ns/op\",32",
                "\"x.B.theirs:gc.alloc.rate.norm\",\"avgt\",1,5,1240.0,0.0,\"B/op\",32",
                "\"x.B.ours\",\"avgt\",1,5,20.0,NaN,\"ns/op\",256");
        assertEquals("""
                | benchmark | params | time | B/op | time vs ours |
                |---|---|---|---|---|
                | ours | payloadSize=32 | 10.0 ± 0.5 ns/op | 0 | 1.00x |
                | theirs | payloadSize=32 | 120.0 ± 3.0 ns/op | 1240 | 12.00x |
                | ours | payloadSize=256 | 20.0 ± NaN ns/op | n/a | 1.00x |
                """, JmhMarkdownTable.render(csv, "ours"));
    }
}
