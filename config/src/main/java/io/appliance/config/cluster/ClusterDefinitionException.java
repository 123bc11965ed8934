package io.appliance.config.cluster;

import java.util.Objects;

/**
 * A cluster configuration that cannot work. {@link #field()} is the dotted YAML path of the value to fix,
 * as far as the throwing record knows it (e.g. {@code nodes[1].votes} from {@link ClusterDefinition},
 * {@code votes} from {@link ClusterNodeDefinition}); the caller that knows more of the path prefixes it
 * with {@link #withPrefix}. The message says what is wrong and how to fix it.
 */
public final class ClusterDefinitionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public ClusterDefinitionException(String field, String message) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(message, "message"));
        this.field = field;
        this.problem = message;
    }

    /** The dotted YAML path of the value to fix. */
    public String field() {
        return field;
    }

    /** The message without the field. */
    public String problem() {
        return problem;
    }

    /** The same problem with {@code prefix + "." + field()} as its field ({@code prefix} alone when the field is empty). */
    public ClusterDefinitionException withPrefix(String prefix) {
        ClusterDefinitionException prefixed = new ClusterDefinitionException(
                field.isEmpty() ? prefix : prefix + "." + field, problem);
        prefixed.setStackTrace(getStackTrace());
        return prefixed;
    }
}
