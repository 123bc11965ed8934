package io.appliance.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.NodeException;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestReaderTest {

    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final RequestReader reader = new RequestReader(mapper, Validators.newValidator());

    @Test
    void mergePatchFollowsRfc7396() throws Exception {
        // RFC 7396 Appendix A examples
        assertThat(RequestReader.mergePatch(tree("{\"a\":\"b\"}"), tree("{\"a\":\"c\"}"))).isEqualTo(tree("{\"a\":\"c\"}"));
        assertThat(RequestReader.mergePatch(tree("{\"a\":\"b\"}"), tree("{\"b\":\"c\"}"))).isEqualTo(tree("{\"a\":\"b\",\"b\":\"c\"}"));
        assertThat(RequestReader.mergePatch(tree("{\"a\":\"b\"}"), tree("{\"a\":null}"))).isEqualTo(tree("{}"));
        assertThat(RequestReader.mergePatch(tree("{\"a\":{\"b\":\"c\"}}"), tree("{\"a\":{\"b\":\"d\",\"c\":null}}")))
                .isEqualTo(tree("{\"a\":{\"b\":\"d\"}}"));
        assertThat(RequestReader.mergePatch(tree("{\"a\":[{\"b\":\"c\"}]}"), tree("{\"a\":[1]}"))).isEqualTo(tree("{\"a\":[1]}"));
        assertThat(RequestReader.mergePatch(tree("[1,2]"), tree("{\"a\":\"b\",\"c\":null}"))).isEqualTo(tree("{\"a\":\"b\"}"));
    }

    @Test
    void mergeDoesNotChangeTheCurrentDocument() throws Exception {
        ObjectNode current = (ObjectNode) tree("{\"initiator\":\"iqn.2026-11.io.appliance:c\",\"luns\":{\"0\":0}}");
        AclSpec merged = reader.merge(current, tree("{\"luns\":{\"1\":0}}"), AclSpec.class);
        assertThat(merged.luns()).isEqualTo(Map.of(0, 0, 1, 0));
        assertThat(current).isEqualTo(tree("{\"initiator\":\"iqn.2026-11.io.appliance:c\",\"luns\":{\"0\":0}}"));
    }

    @Test
    void everyViolationIsListedSortedByField() throws Exception {
        assertThatThrownBy(() -> reader.read(tree("{\"initiator\":\"x\",\"chapUser\":\"\",\"chapSecret\":\"short\"}"), AclSpec.class))
                .isInstanceOfSatisfying(NodeException.InvalidFields.class, e -> assertThat(e.problems())
                        .extracting(p -> p.field()).containsExactly("chapSecret", "chapUser", "initiator"))
                .hasMessageNotContaining("short\"");
    }

    @Test
    void wrongTypesNameTheNestedField() throws Exception {
        assertThatThrownBy(() -> reader.read(tree("{\"initiator\":\"iqn.2026-11.io.appliance:c\",\"luns\":{\"0\":\"x\"}}"), AclSpec.class))
                .isInstanceOf(NodeException.Malformed.class)
                .hasMessageStartingWith("field 'luns.0'");
    }

    private JsonNode tree(String json) throws Exception {
        return mapper.readTree(json);
    }
}
