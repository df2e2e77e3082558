package dev.sensorpub.config;

import java.util.Collection;

/** Suggests the closest known key for a misspelt one, by Levenshtein edit distance. */
final class DidYouMean {
    private DidYouMean() {
    }

    /** The closest candidate within a distance a typo explains, or null. */
    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(word, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Up to a third of the last segment (at least 2 edits) reads as a typo; more is a different
        // word ("pin" is not a typo of "qos" just because the keys share "sensor.beat.").
        String last = word.substring(word.lastIndexOf('.') + 1);
        int limit = Math.max(2, last.length() / 3);
        return bestDistance <= limit ? best : null;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
