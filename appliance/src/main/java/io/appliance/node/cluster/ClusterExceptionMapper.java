package io.appliance.node.cluster;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The one place where a refused cluster request becomes an HTTP answer: not configured and unknown
 * names 404, a bad body 400, no coordinator with quorum 503. Body:
 * {@code {"code":503,"message":"no coordinator with quorum ...","error":<the same>}} ({@code message}
 * for the CLI, as every other error; {@code error} as the cluster API documents).
 */
@Provider
public final class ClusterExceptionMapper implements ExceptionMapper<ClusterException> {

    /** The error body. */
    public record ClusterError(int code, String message, String error) {
    }

    @Override
    public Response toResponse(ClusterException exception) {
        int status = status(exception);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ClusterError(status, exception.getMessage(), exception.getMessage())).build();
    }

    static int status(ClusterException exception) {
        if (exception instanceof ClusterException.NotConfigured || exception instanceof ClusterException.Unknown) {
            return Response.Status.NOT_FOUND.getStatusCode();
        }
        if (exception instanceof ClusterException.BadRequest) {
            return Response.Status.BAD_REQUEST.getStatusCode();
        }
        return Response.Status.SERVICE_UNAVAILABLE.getStatusCode();
    }
}
