package dev.sensorpub.queue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The disk states a power cut could leave, built from a {@link SimulatedDisk} trace (in the
 * spirit of ALICE and CrashMonkey). For a cut after operation i: each file holds everything up to
 * its last completed fsync, plus some of the later writes, each write torn into 512-byte sectors
 * that reach the disk independently and in any order. Per cut this builds: only the durable part;
 * everything (what a killed process leaves); prefixes of the later sectors in issue order; the
 * later sectors but one; random subsets.
 */
final class PowerCutStates {
    static final int SECTOR = 512;

    /** Receives one state: the file contents, and for each file the index of its last completed fsync (-1: none). */
    interface Check {
        void check(int cutAfter, String variant, Map<String, byte[]> images, Map<String, Integer> lastForce);
    }

    private record Piece(String file, long offset, byte[] bytes) {
    }

    private final List<SimulatedDisk.Operation> trace;
    private final Random random;
    private final int prefixesPerCut;
    private final int subsetsPerCut;

    PowerCutStates(List<SimulatedDisk.Operation> trace, Random random, int prefixesPerCut, int subsetsPerCut) {
        this.trace = trace;
        this.random = random;
        this.prefixesPerCut = prefixesPerCut;
        this.subsetsPerCut = subsetsPerCut;
    }

    /** Checks the states of a cut after every {@code stride}-th operation; returns how many states were checked. */
    long run(int stride, Check check) {
        Map<String, byte[]> durable = new HashMap<>();
        Map<String, Integer> lastForce = new HashMap<>();
        List<Piece> pending = new ArrayList<>();
        long states = 0;
        for (int i = 0; i < trace.size(); i++) {
            SimulatedDisk.Operation operation = trace.get(i);
            durable.putIfAbsent(operation.file(), new byte[0]);
            if (operation.isForce()) {
                lastForce.put(operation.file(), i);
                List<Piece> still = new ArrayList<>();
                for (Piece piece : pending) {
                    if (piece.file().equals(operation.file())) {
                        apply(durable, piece);
                    } else {
                        still.add(piece);
                    }
                }
                pending = still;
            } else {
                tear(operation, pending);
            }
            if (i % stride != stride - 1 && i != trace.size() - 1) {
                continue;
            }
            for (String file : durable.keySet()) {
                lastForce.putIfAbsent(file, -1);
            }
            int n = pending.size();
            check.check(i, "durable only", state(durable, pending, new boolean[n]), lastForce);
            states++;
            if (n == 0) {
                continue;
            }
            boolean[] all = new boolean[n];
            Arrays.fill(all, true);
            check.check(i, "every later write", state(durable, pending, all), lastForce);
            states++;
            for (int p = 0; p < Math.min(prefixesPerCut, n - 1); p++) {
                int length = n - 1 <= prefixesPerCut ? p + 1 : 1 + random.nextInt(n - 1);
                boolean[] prefix = new boolean[n];
                Arrays.fill(prefix, 0, length, true);
                check.check(i, "first " + length + " of " + n + " later sectors", state(durable, pending, prefix),
                        lastForce);
                states++;
            }
            if (n < 2) {
                continue;
            }
            boolean[] butOne = all.clone();
            int missing = random.nextInt(n);
            butOne[missing] = false;
            check.check(i, "later sectors but #" + missing + " of " + n, state(durable, pending, butOne), lastForce);
            states++;
            for (int s = 0; s < subsetsPerCut; s++) {
                boolean[] subset = new boolean[n];
                for (int k = 0; k < n; k++) {
                    subset[k] = random.nextBoolean();
                }
                check.check(i, "random subset of " + n + " later sectors", state(durable, pending, subset), lastForce);
                states++;
            }
        }
        return states;
    }

    /** Splits a write at the sector boundaries of the file. */
    private static void tear(SimulatedDisk.Operation write, List<Piece> into) {
        long at = write.offset();
        long end = at + write.bytes().length;
        while (at < end) {
            long sectorEnd = Math.min(end, (at / SECTOR + 1) * SECTOR);
            into.add(new Piece(write.file(), at, Arrays.copyOfRange(write.bytes(), (int) (at - write.offset()),
                    (int) (sectorEnd - write.offset()))));
            at = sectorEnd;
        }
    }

    private static Map<String, byte[]> state(Map<String, byte[]> durable, List<Piece> pending, boolean[] chosen) {
        Map<String, byte[]> images = new HashMap<>();
        durable.forEach((file, content) -> images.put(file, content.clone()));
        for (int k = 0; k < chosen.length; k++) {
            if (chosen[k]) {
                apply(images, pending.get(k));
            }
        }
        return images;
    }

    private static void apply(Map<String, byte[]> images, Piece piece) {
        byte[] content = images.get(piece.file());
        int end = (int) piece.offset() + piece.bytes().length;
        if (content.length < end) {
            content = Arrays.copyOf(content, end);
            images.put(piece.file(), content);
        }
        System.arraycopy(piece.bytes(), 0, content, (int) piece.offset(), piece.bytes().length);
    }
}
