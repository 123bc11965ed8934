package io.appliance.node.cli;

/** A failure the CLI reports as one line on stderr with exit code 1. */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
