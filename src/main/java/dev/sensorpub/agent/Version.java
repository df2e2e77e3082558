package dev.sensorpub.agent;

/** The version Maven wrote into the jar's manifest; "dev" when running from classes. */
final class Version {
    private Version() {
    }

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
