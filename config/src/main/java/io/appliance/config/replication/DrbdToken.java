package io.appliance.config.replication;

/** One token of a DRBD configuration file, with where it starts. */
record DrbdToken(Kind kind, String text, String sourceName, int line, int column) {

    enum Kind { WORD, STRING, OPEN_BRACE, CLOSE_BRACE, SEMICOLON, END }

    DrbdConfigException error(String problem) {
        return new DrbdConfigException(sourceName, line, column, problem);
    }

    DrbdConfigException error(String problem, Throwable cause) {
        return new DrbdConfigException(sourceName, line, column, problem, cause);
    }

    /** {@code file:line:column}, for messages that refer to another place. */
    String where() {
        return sourceName + ":" + line + ":" + column;
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case WORD -> "'" + text + "'";
            case STRING -> "string \"" + text + "\"";
            case OPEN_BRACE -> "'{'";
            case CLOSE_BRACE -> "'}'";
            case SEMICOLON -> "';'";
            case END -> "end of file";
        };
    }
}
