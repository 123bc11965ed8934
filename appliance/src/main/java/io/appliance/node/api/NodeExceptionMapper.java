package io.appliance.node.api;

import io.appliance.node.model.NodeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where each kind of {@link NodeException} becomes an HTTP status. */
@Provider
public final class NodeExceptionMapper implements ExceptionMapper<NodeException> {

    static final int UNPROCESSABLE_ENTITY = 422;
    private static final Logger LOG = LoggerFactory.getLogger(NodeExceptionMapper.class);

    @Override
    public Response toResponse(NodeException exception) {
        int status = status(exception);
        if (exception instanceof NodeException.StorageFailure || exception instanceof NodeException.ToolFailure) {
            LOG.warn("Storage failure: {}", exception.getMessage(), exception.getCause());
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(status, exception.getMessage()))
                .build();
    }

    static int status(NodeException exception) {
        if (exception instanceof NodeException.Unknown) {
            return Response.Status.NOT_FOUND.getStatusCode();
        }
        // not enough free space in a pool: the request conflicts with the pool's current state
        // (RFC 9110 §15.5.10); the client can fix it by extending the pool or asking for less
        if (exception instanceof NodeException.Conflict || exception instanceof NodeException.InsufficientSpace) {
            return Response.Status.CONFLICT.getStatusCode();
        }
        if (exception instanceof NodeException.InvalidFields || exception instanceof NodeException.StorageFailure) {
            return UNPROCESSABLE_ENTITY;
        }
        if (exception instanceof NodeException.Malformed) {
            return Response.Status.BAD_REQUEST.getStatusCode();
        }
        if (exception instanceof NodeException.ToolFailure) {
            return Response.Status.BAD_GATEWAY.getStatusCode();
        }
        if (exception instanceof NodeException.NotRunning || exception instanceof NodeException.ToolMissing) {
            return Response.Status.SERVICE_UNAVAILABLE.getStatusCode();
        }
        throw new IllegalStateException("unmapped " + exception.getClass().getName());
    }
}
