package io.appliance.config.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One statement of a DRBD configuration file: a keyword, its arguments, and either {@code ;} or a
 * block of statements ({@code resource r0 { ... }}, {@code on host { ... }}, {@code net { ... }}).
 *
 * @param block the statements between braces, or empty for a statement ended by {@code ;}
 */
record DrbdStatement(DrbdToken keyword, List<DrbdToken> arguments, Optional<List<DrbdStatement>> block) {

    /** Deepest nesting of blocks accepted (DRBD needs four: resource, connection, path, host). */
    static final int MAX_DEPTH = 8;

    String name() {
        return keyword.text();
    }

    boolean hasBlock() {
        return block.isPresent();
    }

    /** Parses a whole file. */
    static List<DrbdStatement> parseFile(String text, String sourceName) {
        return new Parser(DrbdLexer.tokenize(text, sourceName)).statements(null, 0);
    }

    private static final class Parser {
        private final List<DrbdToken> tokens;
        private int next;

        Parser(List<DrbdToken> tokens) {
            this.tokens = tokens;
        }

        List<DrbdStatement> statements(DrbdStatement opener, int depth) {
            List<DrbdStatement> statements = new ArrayList<>();
            while (true) {
                DrbdToken token = tokens.get(next);
                switch (token.kind()) {
                    case END -> {
                        if (opener != null) {
                            throw token.error("missing '}' to close '" + opener.name() + "' opened at "
                                    + opener.keyword().where());
                        }
                        return statements;
                    }
                    case CLOSE_BRACE -> {
                        if (opener == null) {
                            throw token.error("'}' without a matching '{'");
                        }
                        next++;
                        return statements;
                    }
                    case WORD -> statements.add(statement(depth));
                    default -> throw token.error("expected a keyword, found " + token.describe());
                }
            }
        }

        private DrbdStatement statement(int depth) {
            DrbdToken keyword = tokens.get(next++);
            List<DrbdToken> arguments = new ArrayList<>();
            while (true) {
                DrbdToken token = tokens.get(next);
                switch (token.kind()) {
                    case WORD, STRING -> {
                        arguments.add(token);
                        next++;
                    }
                    case SEMICOLON -> {
                        next++;
                        return new DrbdStatement(keyword, List.copyOf(arguments), Optional.empty());
                    }
                    case OPEN_BRACE -> {
                        if (depth + 1 > MAX_DEPTH) {
                            throw token.error("blocks nested deeper than " + MAX_DEPTH + " levels");
                        }
                        next++;
                        DrbdStatement opener = new DrbdStatement(keyword, List.copyOf(arguments), Optional.empty());
                        List<DrbdStatement> block = statements(opener, depth + 1);
                        return new DrbdStatement(keyword, List.copyOf(arguments), Optional.of(List.copyOf(block)));
                    }
                    case CLOSE_BRACE, END -> throw token.error("missing ';' after '" + keyword.text() + "'"
                            + (token.kind() == DrbdToken.Kind.END ? " at end of file" : " before '}'"));
                    default -> throw token.error("unexpected " + token.describe());
                }
            }
        }
    }
}
