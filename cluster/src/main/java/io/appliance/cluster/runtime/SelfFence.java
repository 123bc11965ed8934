package io.appliance.cluster.runtime;

/** What a node does when it must stop for certain and could not stop its resources in time. */
@FunctionalInterface
public interface SelfFence {

    void halt(String reason);

    /** Production: log FATAL and halt the JVM, which ends every in-process service (iSCSI, Primary role). */
    static SelfFence haltJvm() {
        return reason -> {
            org.slf4j.LoggerFactory.getLogger(SelfFence.class).error("FATAL: self-fencing: {}", reason);
            Runtime.getRuntime().halt(70);
        };
    }
}
