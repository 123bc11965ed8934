package io.appliance.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.config.FieldProblem;
import io.appliance.node.model.NodeException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns request bodies into validated request records: unknown fields and wrong types are
 * {@link NodeException.Malformed} (400), constraint violations {@link NodeException.InvalidFields}
 * (422), each naming the field. PATCH bodies are JSON merge patches (RFC 7396): a field that is
 * absent stays, {@code null} removes it, anything else replaces it.
 */
public final class RequestReader {

    private final ObjectMapper mapper;
    private final Validator validator;

    public RequestReader(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.validator = validator;
    }

    /** Reads and validates {@code body} as a {@code type}. */
    public <T> T read(JsonNode body, Class<T> type) {
        if (body == null || !body.isObject()) {
            throw new NodeException.Malformed("the request body must be a JSON object");
        }
        T value;
        try {
            value = mapper.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new NodeException.Malformed(describe(e));
        } catch (IllegalArgumentException e) {
            throw new NodeException.Malformed("the request body cannot be read: " + e.getMessage());
        }
        validate(value);
        return value;
    }

    /** Applies the merge patch {@code patch} to {@code current} and reads the result as a {@code type}. */
    public <T> T merge(ObjectNode current, JsonNode patch, Class<T> type) {
        if (patch == null || !patch.isObject()) {
            throw new NodeException.Malformed("the request body must be a JSON object (a merge patch, RFC 7396)");
        }
        JsonNode merged = mergePatch(current, patch);
        return read(merged, type);
    }

    /** RFC 7396 §2: objects merge member by member, null removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    /** Throws {@link NodeException.InvalidFields} listing every violation of {@code value}'s constraints. */
    public <T> void validate(T value) {
        List<FieldProblem> problems = validator.validate(value).stream()
                .map(RequestReader::problem)
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::message))
                .toList();
        if (!problems.isEmpty()) {
            throw new NodeException.InvalidFields(problems);
        }
    }

    private static FieldProblem problem(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        return new FieldProblem(path.isEmpty() ? "(body)" : path, violation.getMessage());
    }

    private static String describe(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? fieldPath(mapping) : "";
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return "field '" + field + "': unknown field" + (known.isEmpty() ? "" : "; known fields: " + known);
        }
        if (e instanceof InvalidFormatException format) {
            return "field '" + field + "': cannot read " + format.getValue() + " as "
                    + format.getTargetType().getSimpleName() + describeCause(e);
        }
        if (e instanceof MismatchedInputException mismatch && !field.isEmpty()) {
            String expected = mismatch.getTargetType() == null ? "another type" : mismatch.getTargetType().getSimpleName();
            return "field '" + field + "': wrong type, expected " + expected;
        }
        return field.isEmpty() ? "the request body cannot be read: " + e.getOriginalMessage()
                : "field '" + field + "': " + e.getOriginalMessage();
    }

    private static String describeCause(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int colon = message == null ? -1 : message.lastIndexOf(": ");
        return colon < 0 ? "" : " (" + message.substring(colon + 2) + ")";
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
