package dev.sensorpub.config;

import dev.sensorpub.log.Counts;
import java.util.List;

/**
 * Every problem found in a configuration, one "key: reason" line each. Thrown once, after
 * the whole file was read, so a person fixes everything in one round instead of one per run.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(Counts.of(problems.size(), "configuration problem") + ":\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each line is "key: reason"; values of secret keys are never included. */
    public List<String> problems() {
        return problems;
    }
}
