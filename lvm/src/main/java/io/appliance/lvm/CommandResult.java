package io.appliance.lvm;

import java.util.Objects;

/**
 * What one external command produced.
 *
 * @param exitCode the process exit status (0: success)
 * @param stdout   everything it wrote to standard output, decoded as UTF-8
 * @param stderr   everything it wrote to standard error, decoded as UTF-8
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
