package dev.sensorpub.log;

public enum Level {
    DEBUG, INFO, WARN, ERROR
}
