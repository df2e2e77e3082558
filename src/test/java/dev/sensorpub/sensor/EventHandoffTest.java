package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventHandoffTest {
    @Test
    void drainsInOrderAndCountsWhatDidNotFit() {
        EventHandoff h = new EventHandoff(3);
        assertTrue(h.offer(0, 1, 100));
        assertTrue(h.offer(1, 0, 101));
        assertTrue(h.offer(0, 0, 102));
        assertFalse(h.offer(1, 1, 103));
        assertEquals(1, h.overflows());
        List<String> seen = new ArrayList<>();
        assertEquals(3, h.drain((s, v, t) -> seen.add(s + ":" + v + "@" + t)));
        assertEquals(List.of("0:1.0@100", "1:0.0@101", "0:0.0@102"), seen);
        assertEquals(0, h.size());
        assertTrue(h.offer(2, 1, 104), "room again after draining, across the wrap");
    }

    @Test
    void manyThreadsHandInWhileTheLoopDrainsAndNothingIsLostOrInvented() throws Exception {
        EventHandoff h = new EventHandoff(64);
        int threads = 4;
        int perThread = 20_000;
        long[] sums = new long[threads];
        long[] counts = new long[threads];
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(new Thread(() -> {
                for (int i = 1; i <= perThread; i++) {
                    h.offer(id, i, i);
                }
            }));
        }
        writers.forEach(Thread::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        EventHandoff.Consumer consumer = (s, v, ts) -> {
            sums[s] += (long) v;
            counts[s]++;
        };
        while (writers.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            h.drain(consumer);
        }
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(5));
        }
        h.drain(consumer);
        long delivered = 0;
        for (int t = 0; t < threads; t++) {
            delivered += counts[t];
        }
        assertEquals((long) threads * perThread, delivered + h.overflows());
        for (int t = 0; t < threads; t++) {
            assertTrue(sums[t] <= (long) perThread * (perThread + 1) / 2);
        }
    }

    @Test
    void handingInAndDrainingAllocateNothing() {
        EventHandoff h = new EventHandoff(16);
        EventHandoff.Consumer consumer = (s, v, t) -> { };
        long allocated = AllocationMeter.steadyStateBytes(100_000, () -> {
            h.offer(1, 1.0, 5L);
            h.offer(2, 0.0, 6L);
            h.drain(consumer);
        });
        assertEquals(0, allocated);
    }
}
