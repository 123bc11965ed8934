package io.appliance.node;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The configuration {@code appliance server} uses without a file: one open-access demo target
 * {@code iqn.2026-11.io.appliance:default} with a 1 GiB sparse LUN 0, iSCSI on 0.0.0.0:3260, REST
 * on 127.0.0.1:8080. It is the classpath resource {@value #RESOURCE}, named {@value #PATH} on
 * Dropwizard's command line.
 */
public final class EmbeddedConfiguration {

    /** The pseudo path that stands for the embedded default. */
    public static final String PATH = "embedded:default-config.yml";
    static final String RESOURCE = "/io/appliance/node/default-config.yml";

    private EmbeddedConfiguration() {
    }

    /** Opens {@link #PATH} from the classpath and every other path with the given provider. */
    static final class SourceProvider implements ConfigurationSourceProvider {
        private final ConfigurationSourceProvider files;

        SourceProvider(ConfigurationSourceProvider files) {
            this.files = files;
        }

        @Override
        public InputStream open(String path) throws IOException {
            if (!PATH.equals(path)) {
                return files.open(path);
            }
            InputStream in = EmbeddedConfiguration.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new FileNotFoundException("the embedded default configuration " + RESOURCE + " is missing from the jar");
            }
            return in;
        }
    }
}
