package io.appliance.config.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a DRBD configuration file into tokens: words, double-quoted strings (a backslash escapes the
 * next character), {@code {}, {@code }}, {@code ;}; {@code #} starts a comment to the end of the line.
 */
final class DrbdLexer {

    /** Longest word or string accepted; DRBD's own values are far shorter. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private final String text;
    private final String sourceName;
    private int offset;
    private int line = 1;
    private int column = 1;

    private DrbdLexer(String text, String sourceName) {
        this.text = text;
        this.sourceName = sourceName;
    }

    /** All tokens, ending with one {@link DrbdToken.Kind#END}. */
    static List<DrbdToken> tokenize(String text, String sourceName) {
        DrbdLexer lexer = new DrbdLexer(text, sourceName);
        List<DrbdToken> tokens = new ArrayList<>();
        DrbdToken token;
        do {
            token = lexer.next();
            tokens.add(token);
        } while (token.kind() != DrbdToken.Kind.END);
        return tokens;
    }

    private DrbdToken next() {
        skipBlanksAndComments();
        int startLine = line;
        int startColumn = column;
        if (offset >= text.length()) {
            return new DrbdToken(DrbdToken.Kind.END, "", sourceName, startLine, startColumn);
        }
        char c = text.charAt(offset);
        return switch (c) {
            case '{' -> single(DrbdToken.Kind.OPEN_BRACE, startLine, startColumn);
            case '}' -> single(DrbdToken.Kind.CLOSE_BRACE, startLine, startColumn);
            case ';' -> single(DrbdToken.Kind.SEMICOLON, startLine, startColumn);
            case '"' -> quoted(startLine, startColumn);
            default -> word(startLine, startColumn);
        };
    }

    private void skipBlanksAndComments() {
        while (offset < text.length()) {
            char c = text.charAt(offset);
            if (c == '#') {
                while (offset < text.length() && text.charAt(offset) != '\n') {
                    advance();
                }
            } else if (Character.isWhitespace(c)) {
                advance();
            } else {
                return;
            }
        }
    }

    private DrbdToken single(DrbdToken.Kind kind, int startLine, int startColumn) {
        String value = String.valueOf(text.charAt(offset));
        advance();
        return new DrbdToken(kind, value, sourceName, startLine, startColumn);
    }

    private DrbdToken quoted(int startLine, int startColumn) {
        advance();
        StringBuilder value = new StringBuilder();
        while (true) {
            if (offset >= text.length() || text.charAt(offset) == '\n') {
                throw new DrbdConfigException(sourceName, startLine, startColumn,
                        "unterminated string: a closing '\"' is missing on this line");
            }
            char c = text.charAt(offset);
            advance();
            if (c == '"') {
                return new DrbdToken(DrbdToken.Kind.STRING, value.toString(), sourceName, startLine, startColumn);
            }
            if (c == '\\') {
                if (offset >= text.length() || text.charAt(offset) == '\n') {
                    throw new DrbdConfigException(sourceName, line, column, "a backslash must escape a character");
                }
                c = text.charAt(offset);
                advance();
            }
            value.append(c);
            checkLength(value, startLine, startColumn);
        }
    }

    private DrbdToken word(int startLine, int startColumn) {
        StringBuilder value = new StringBuilder();
        while (offset < text.length()) {
            char c = text.charAt(offset);
            if (Character.isWhitespace(c) || c == '{' || c == '}' || c == ';' || c == '"' || c == '#') {
                break;
            }
            if (Character.isISOControl(c)) {
                throw new DrbdConfigException(sourceName, line, column,
                        String.format("control character U+%04X is not allowed", (int) c));
            }
            value.append(c);
            advance();
            checkLength(value, startLine, startColumn);
        }
        return new DrbdToken(DrbdToken.Kind.WORD, value.toString(), sourceName, startLine, startColumn);
    }

    private void checkLength(StringBuilder value, int startLine, int startColumn) {
        if (value.length() > MAX_TOKEN_LENGTH) {
            throw new DrbdConfigException(sourceName, startLine, startColumn,
                    "token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
    }

    private void advance() {
        if (text.charAt(offset) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        offset++;
    }
}
