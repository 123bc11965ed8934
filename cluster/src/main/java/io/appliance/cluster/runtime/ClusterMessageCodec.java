package io.appliance.cluster.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON encoding of {@link ClusterMessage}s. The size limit is checked before parsing; a malformed or oversized
 * message is logged and dropped ({@link Optional#empty()}), never thrown at the caller.
 */
public final class ClusterMessageCodec {

    /** Largest message accepted: 1 MiB. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMessageCodec.class);
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ClusterMessageCodec() {
    }

    public static byte[] encode(ClusterMessage message) {
        try {
            return MAPPER.writerFor(ClusterMessage.class).writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static Optional<ClusterMessage> decode(String fromNode, byte[] payload) {
        if (payload == null || payload.length == 0) {
            LOG.warn("dropped an empty cluster message from {}", fromNode);
            return Optional.empty();
        }
        if (payload.length > MAX_MESSAGE_BYTES) {
            LOG.warn("dropped a cluster message of {} bytes from {} (limit {})", payload.length, fromNode,
                    MAX_MESSAGE_BYTES);
            return Optional.empty();
        }
        try {
            ClusterMessage message = MAPPER.readValue(payload, ClusterMessage.class);
            if (message == null) {
                LOG.warn("dropped a null cluster message from {}", fromNode);
            }
            return Optional.ofNullable(message);
        } catch (IOException | RuntimeException e) {
            LOG.warn("dropped a malformed cluster message from {}: {}", fromNode, e.getMessage());
            return Optional.empty();
        }
    }
}
