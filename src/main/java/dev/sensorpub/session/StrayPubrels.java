package dev.sensorpub.session;

import java.util.Arrays;

/**
 * The last few packet ids we sent a PUBREL for in answer to a PUBREC we were not waiting for.
 * The broker answers that PUBREL with a PUBCOMP, which is its due and not a second slip: a
 * broker that slipped 66 times would otherwise be counted 132. A small fixed ring, so remembering
 * and taking allocate nothing; an id pushed out by newer ones is counted again, as before.
 */
final class StrayPubrels {
    private static final int SIZE = 16;
    private static final int NONE = -1;

    private final int[] ids = new int[SIZE];
    private int next;

    StrayPubrels() {
        clear();
    }

    void remember(int id) {
        ids[next] = id;
        next = (next + 1) % SIZE;
    }

    /** Whether a PUBCOMP for {@code id} answers one of those PUBRELs; each answers once. */
    boolean take(int id) {
        for (int i = 0; i < SIZE; i++) {
            if (ids[i] == id) {
                ids[i] = NONE;
                return true;
            }
        }
        return false;
    }

    /** A new link: a PUBREL of the last one is never answered on this one. */
    void clear() {
        Arrays.fill(ids, NONE);
    }
}
