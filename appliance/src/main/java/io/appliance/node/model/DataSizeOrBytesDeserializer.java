package io.appliance.node.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import io.dropwizard.util.DataSize;
import java.io.IOException;

/**
 * Reads a size written either as Dropwizard {@link DataSize} text ({@code "512MiB"}, {@code "1 GiB"})
 * or as a plain number of bytes ({@code 536870912}).
 */
public final class DataSizeOrBytesDeserializer extends JsonDeserializer<DataSize> {

    @Override
    public DataSize deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT) {
            long bytes = parser.getLongValue();
            if (bytes < 0) {
                return (DataSize) context.handleWeirdNumberValue(DataSize.class, bytes, "a size cannot be negative");
            }
            return DataSize.bytes(bytes);
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            try {
                return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                        ? DataSize.bytes(Long.parseLong(text))
                        : DataSize.parse(text);
            } catch (IllegalArgumentException e) {
                return (DataSize) context.handleWeirdStringValue(DataSize.class, text,
                        "not a size; write bytes or a number with a unit such as 512MiB or 1GiB");
            }
        }
        return (DataSize) context.handleUnexpectedToken(DataSize.class, parser);
    }
}
