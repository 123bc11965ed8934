package io.appliance.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.node.model.NodeException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class NodeExceptionMapperTest {

    @Test
    void eachKindHasItsStatus() {
        assertThat(NodeExceptionMapper.status(new NodeException.Unknown("x"))).isEqualTo(404);
        assertThat(NodeExceptionMapper.status(new NodeException.Conflict("x"))).isEqualTo(409);
        assertThat(NodeExceptionMapper.status(new NodeException.InvalidFields("f", "x"))).isEqualTo(422);
        assertThat(NodeExceptionMapper.status(new NodeException.StorageFailure("x", new IOException()))).isEqualTo(422);
        assertThat(NodeExceptionMapper.status(new NodeException.Malformed("x"))).isEqualTo(400);
        assertThat(NodeExceptionMapper.status(new NodeException.NotRunning("x"))).isEqualTo(503);
        assertThat(NodeExceptionMapper.status(new NodeException.InsufficientSpace("x"))).isEqualTo(409);
        assertThat(NodeExceptionMapper.status(new NodeException.ToolMissing("x", null))).isEqualTo(503);
        assertThat(NodeExceptionMapper.status(new NodeException.ToolFailure("x", null))).isEqualTo(502);
    }

    @Test
    void theBodyCarriesCodeAndMessage() {
        Response response = new NodeExceptionMapper().toResponse(new NodeException.InvalidFields("lun", "must be 0..16383"));
        assertThat(response.getStatus()).isEqualTo(422);
        assertThat(response.getEntity()).isEqualTo(new ErrorResponse(422, "field 'lun': must be 0..16383"));
    }
}
