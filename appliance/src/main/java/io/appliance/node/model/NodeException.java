package io.appliance.node.model;

import io.appliance.config.FieldProblem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Why an administrative request to the node was refused. One subclass per kind of refusal; the
 * REST layer turns each kind into its HTTP status in one place ({@code ApiExceptionMapper}), the CLI
 * shows the message. Messages name the field or object to fix and never contain a secret.
 */
public abstract sealed class NodeException extends RuntimeException {

    protected NodeException(String message) {
        super(message);
    }

    protected NodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A named target, LUN or ACL does not exist. */
    public static final class Unknown extends NodeException {
        public Unknown(String message) {
            super(message);
        }
    }

    /** The request would duplicate or break something that exists (a taken LUN number, a used file). */
    public static final class Conflict extends NodeException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The request is well-formed but some field's value is unacceptable. */
    public static final class InvalidFields extends NodeException {
        private final List<FieldProblem> problems;

        public InvalidFields(List<FieldProblem> problems) {
            super(problems.stream().map(FieldProblem::describe).collect(Collectors.joining("; ")));
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("InvalidFields needs at least one problem");
            }
            this.problems = List.copyOf(problems);
        }

        public InvalidFields(String field, String message) {
            this(List.of(new FieldProblem(field, message)));
        }

        public List<FieldProblem> problems() {
            return problems;
        }
    }

    /** The request could not be read: not JSON, a wrong type, an unknown field. */
    public static final class Malformed extends NodeException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** The backing store refused: a LUN file could not be created, opened or grown. */
    public static final class StorageFailure extends NodeException {
        public StorageFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A pool has not enough free extents for the volume asked for. */
    public static final class InsufficientSpace extends NodeException {
        public InsufficientSpace(String message) {
            super(message);
        }
    }

    /** A tool the request needs (lvm2) is not installed on the node. */
    public static final class ToolMissing extends NodeException {
        public ToolMissing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A tool the request needs (lvm2) failed or did not finish in time; the message has its error. */
    public static final class ToolFailure extends NodeException {
        public ToolFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The node is starting or stopping and cannot serve the request now. */
    public static final class NotRunning extends NodeException {
        public NotRunning(String message) {
            super(message);
        }
    }
}
