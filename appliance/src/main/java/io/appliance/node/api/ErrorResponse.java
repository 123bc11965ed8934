package io.appliance.node.api;

/**
 * The body of every error answer: {@code {"code":422,"message":"field 'lun': must be 0..16383"}}.
 *
 * @param code    the HTTP status, repeated for clients that only see the body
 * @param message what is wrong, naming the field or object to fix
 */
public record ErrorResponse(int code, String message) {
}
