package io.appliance.config.cluster.heartbeat;

/**
 * A Heartbeat file that cannot be imported: a syntax error, a bad value, a feature not supported here or a
 * result that would not be a valid cluster. The message is {@code FILE:LINE: problem}; the line counts from 1
 * and is 0 when the problem is the file as a whole (missing, unreadable, a required line absent).
 */
public final class HeartbeatConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int line;
    private final String problem;

    public HeartbeatConfigException(String sourceName, int line, String problem) {
        this(sourceName, line, problem, null);
    }

    public HeartbeatConfigException(String sourceName, int line, String problem, Throwable cause) {
        super(sourceName + ":" + line + ": " + problem, cause);
        this.sourceName = sourceName;
        this.line = line;
        this.problem = problem;
    }

    /** The file name ({@code ha.cf}, {@code haresources}, {@code authkeys} for text, the path for files). */
    public String sourceName() {
        return sourceName;
    }

    public int line() {
        return line;
    }

    /** The message without the position. */
    public String problem() {
        return problem;
    }
}
