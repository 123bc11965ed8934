package io.appliance.node.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.node.model.NodeException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The flags of a verb's request body. Any field the verb does not take, or a value that is not
 * true/false, is {@link NodeException.Malformed} (400) naming the field.
 */
record VerbOptions(boolean force, boolean discardMyData, boolean clearBitmap) {

    static final String FORCE = "force";
    static final String DISCARD_MY_DATA = "discardMyData";
    static final String CLEAR_BITMAP = "clearBitmap";

    static VerbOptions none() {
        return new VerbOptions(false, false, false);
    }

    /** @param body null or an empty body: no flags */
    static VerbOptions read(ReplicationVerb verb, JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return none();
        }
        if (!body.isObject()) {
            throw new NodeException.Malformed("the request body must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!verb.flags().contains(field.getKey())) {
                String known = verb.flags().isEmpty() ? "none" : verb.flags().stream().sorted().collect(Collectors.joining(", "));
                throw new NodeException.Malformed("field '" + field.getKey() + "': unknown field for " + verb.drbdName()
                        + "; known fields: " + known);
            }
            if (!field.getValue().isBoolean()) {
                throw new NodeException.Malformed("field '" + field.getKey() + "': wrong type, expected true or false");
            }
        }
        return new VerbOptions(body.path(FORCE).asBoolean(false), body.path(DISCARD_MY_DATA).asBoolean(false),
                body.path(CLEAR_BITMAP).asBoolean(false));
    }
}
