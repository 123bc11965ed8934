package io.appliance.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates the launcher's {@code server [--config FILE]} and {@code check [--config FILE]} into
 * Dropwizard's {@code server FILE}: {@code --config FILE}, {@code --config=FILE} and
 * {@code -c FILE} become the positional file, and without any file the embedded default is used.
 */
final class ServerArguments {

    /** The Dropwizard commands that take a configuration file. */
    static final Set<String> DROPWIZARD_COMMANDS = Set.of("server", "check");

    private ServerArguments() {
    }

    /**
     * @param args the command line, starting with {@code server} or {@code check}
     * @return the arguments for Dropwizard
     * @throws IllegalArgumentException when --config lacks its file or two files are given
     */
    static String[] forDropwizard(String[] args) {
        List<String> options = new ArrayList<>();
        String file = null;
        boolean helpAsked = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String given = null;
            if (arg.equals("--config") || arg.equals("-c")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a file");
                }
                given = args[++i];
            } else if (arg.startsWith("--config=")) {
                given = arg.substring("--config=".length());
            } else if (arg.startsWith("-")) {
                helpAsked |= arg.equals("-h") || arg.equals("--help");
                options.add(arg);
                continue;
            } else {
                given = arg;
            }
            if (given.isEmpty()) {
                throw new IllegalArgumentException("--config needs a file");
            }
            if (file != null) {
                throw new IllegalArgumentException("give one configuration file, not " + file + " and " + given);
            }
            file = given;
        }
        List<String> translated = new ArrayList<>();
        translated.add(args[0]);
        translated.addAll(options);
        if (file != null) {
            translated.add(file);
        } else if (!helpAsked) {
            translated.add(EmbeddedConfiguration.PATH);
        }
        return translated.toArray(String[]::new);
    }
}
