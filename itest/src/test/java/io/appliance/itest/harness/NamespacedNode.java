package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What every node of a namespace lab does the same way, through its one {@link NamespacedAppliance} JVM:
 * kill, stop, liveness, its REST API and command-line client inside the namespace, its log.
 */
abstract class NamespacedNode implements LoggedProcess, AutoCloseable {

    protected final NamespacedAppliance jvm;

    NamespacedNode(NamespacedAppliance jvm) {
        this.jvm = Objects.requireNonNull(jvm, "jvm");
    }

    /** {@code kill -9}: the JVM dies at once, with whatever it had in flight. Waits until it is gone. */
    public void kill() throws InterruptedException {
        jvm.kill();
    }

    /** SIGTERM (a clean leave), then SIGKILL after a bound. */
    public void stop() throws InterruptedException {
        jvm.stop();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** The REST API, reached with curl inside the namespace. */
    public NamespaceRest rest() {
        return jvm.rest();
    }

    /** The command-line client ({@code java -jar appliance.jar ARGS}) run inside the namespace, pointed at this node. */
    public ToolResult cli(String... arguments) throws IOException, InterruptedException {
        return jvm.cli(arguments);
    }

    @Override
    public Path logFile() {
        return jvm.logFile();
    }
}
