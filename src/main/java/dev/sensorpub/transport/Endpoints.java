package dev.sensorpub.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The brokers to try, in order, from a comma-separated list such as
 * {@code ssl://a.example:8883, ssl://b.example:8883}. A cursor says which one to use now; after a
 * failure the caller {@link #advance() advances} it to the next, wrapping around after the last.
 */
public final class Endpoints {
    private final Endpoint[] all;
    private int current;

    private Endpoints(Endpoint[] all) {
        this.all = all;
    }

    /**
     * @throws IllegalArgumentException naming the bad entry (by position) and what is wrong with it;
     *         the other entries are not repeated (one of them may hold user info)
     */
    public static Endpoints parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new IllegalArgumentException("broker list is empty: give at least one tcp://host:port or ssl://host:port");
        }
        String[] parts = commaSeparated.split(",", -1);
        List<Endpoint> parsed = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("broker list has an empty entry at position " + (i + 1)
                        + " of " + parts.length + "; remove the extra ','");
            }
            Endpoint endpoint = Endpoint.parse(part);
            if (parsed.contains(endpoint)) {
                throw new IllegalArgumentException("broker list names " + endpoint + " twice (entry " + (i + 1)
                        + "); list each broker once");
            }
            parsed.add(endpoint);
        }
        return new Endpoints(parsed.toArray(new Endpoint[0]));
    }

    /** The broker to connect to now. */
    public Endpoint current() {
        return all[current];
    }

    /**
     * Moves to the next broker after a failure.
     *
     * @return true when this wrapped around to the first broker, i.e. every broker has now failed once
     *         in this round and the caller should back off before trying again
     */
    public boolean advance() {
        current = (current + 1) % all.length;
        return current == 0;
    }

    public int size() {
        return all.length;
    }

    public Endpoint get(int index) {
        return all[index];
    }

    /** Position of {@link #current()} in the list, from 0. */
    public int position() {
        return current;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            text.append(i == 0 ? "" : ",").append(all[i]);
        }
        return text.toString();
    }
}
