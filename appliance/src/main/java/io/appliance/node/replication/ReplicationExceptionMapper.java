package io.appliance.node.replication;

import io.appliance.replication.ReplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a refused or failed replication verb becomes an HTTP answer: a refused
 * state change is 409, an I/O error 500, a timeout 504. The body carries the engine's DRBD-like
 * message: {@code {"code":409,"message":"r0: State change failed: (-2) Need access to UpToDate data",
 * "error":<the same>,"reason":"NEED_UP_TO_DATE"}}.
 */
@Provider
public final class ReplicationExceptionMapper implements ExceptionMapper<ReplicationException> {

    static final int GATEWAY_TIMEOUT = 504;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationExceptionMapper.class);

    /** The error body: {@code message} for the CLI (as every other error), {@code error} and {@code reason} as documented. */
    public record ReplicationError(int code, String message, String error, String reason) {
    }

    @Override
    public Response toResponse(ReplicationException exception) {
        int status = status(exception.reason());
        if (status >= 500) {
            LOG.warn("Replication verb failed: {}", exception.getMessage(), exception.getCause());
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ReplicationError(status, exception.getMessage(), exception.getMessage(), exception.reason().name()))
                .build();
    }

    static int status(ReplicationException.Reason reason) {
        return switch (reason) {
            case IO_ERROR -> Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
            case TIMEOUT -> GATEWAY_TIMEOUT;
            case NOT_UP, ALREADY_UP, NO_METADATA, METADATA_EXISTS, METADATA_CORRUPT, NEED_UP_TO_DATE, PEER_IS_PRIMARY,
                    NOT_CONNECTED, ALREADY_CONNECTED, BUSY, SIZE_MISMATCH, INVALID -> Response.Status.CONFLICT.getStatusCode();
        };
    }
}
