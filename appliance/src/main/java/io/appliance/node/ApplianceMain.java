package io.appliance.node;

import io.appliance.node.cli.ApplianceCli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The single entry point of {@code appliance.jar}: {@code server} and {@code check} go to
 * Dropwizard ({@link ApplianceApplication}), everything else to the REST client
 * ({@link ApplianceCli}).
 */
public final class ApplianceMain {

    private ApplianceMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && ServerArguments.DROPWIZARD_COMMANDS.contains(args[0])) {
            String[] dropwizardArgs;
            try {
                dropwizardArgs = ServerArguments.forDropwizard(args);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(1);
                return;
            }
            // Dropwizard exits with 1 on a failed start; on success the server's threads keep the JVM up
            new ApplianceApplication().run(dropwizardArgs);
            return;
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(ApplianceCli.run(args, out, err, System.getenv()));
    }
}
