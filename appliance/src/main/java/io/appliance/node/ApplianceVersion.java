package io.appliance.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The appliance's version, as Maven filtered it into {@code version.properties}. */
public final class ApplianceVersion {

    private static final String RESOURCE = "version.properties";

    private ApplianceVersion() {
    }

    /** The version, or {@code unknown} when the resource is missing (an unpackaged build). */
    public static String current() {
        try (InputStream in = ApplianceVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
