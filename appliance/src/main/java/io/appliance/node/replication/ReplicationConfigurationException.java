package io.appliance.node.replication;

import java.util.List;

/** Bad values in the {@code replication} section, each as {@code path: what is wrong}. */
public final class ReplicationConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ReplicationConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
