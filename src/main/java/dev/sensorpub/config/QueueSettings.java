package dev.sensorpub.config;

import java.nio.file.Path;

/**
 * The {@code queue.*} keys, validated. {@code fsync}: {@code never}, a duration ({@code 1s}),
 * a record count ({@code 100 records}), or both separated by a comma ({@code 1s, 100 records});
 * 0 in a field means that rule is off.
 */
public record QueueSettings(Type type, Path path, long capacityBytes, int maxMessages, Overflow overflow,
                            long fsyncIntervalMillis, int fsyncEveryRecords, int flushRatePerSecond) {
    public enum Type { MEMORY, FILE }

    public enum Overflow { DROP_OLDEST, DROP_NEWEST }

    /** True when no rule ever calls fsync (the data reaches the disk when the OS decides). */
    public boolean fsyncNever() {
        return fsyncIntervalMillis == 0 && fsyncEveryRecords == 0;
    }
}
