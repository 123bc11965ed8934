package io.appliance.config.replication;

/**
 * A DRBD configuration file that cannot be imported: a syntax error, an unknown key, a bad value or a
 * feature not supported here. The message is {@code FILE:LINE:COLUMN: problem} (line and column count
 * from 1; both are 0 when the problem is the file as a whole, e.g. unreadable).
 */
public final class DrbdConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int line;
    private final int column;
    private final String problem;

    public DrbdConfigException(String sourceName, int line, int column, String problem) {
        this(sourceName, line, column, problem, null);
    }

    public DrbdConfigException(String sourceName, int line, int column, String problem, Throwable cause) {
        super(sourceName + ":" + line + ":" + column + ": " + problem, cause);
        this.sourceName = sourceName;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** The file (or the name given to {@link DrbdConfigImporter#importText}). */
    public String sourceName() {
        return sourceName;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position. */
    public String problem() {
        return problem;
    }
}
