package io.appliance.iscsi.login;

/**
 * A text data segment that does not follow RFC 7143 §6.1: a pair without '=', a segment not
 * ending in NUL, a key or value over its length limit, bytes that are not UTF-8, too many pairs.
 */
public final class TextFormatException extends Exception {

    public TextFormatException(String message) {
        super(message);
    }
}
