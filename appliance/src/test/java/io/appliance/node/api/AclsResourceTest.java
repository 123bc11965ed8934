package io.appliance.node.api;

import static io.appliance.node.api.ApiTestSupport.authorized;
import static io.appliance.node.api.ApiTestSupport.body;
import static io.appliance.node.api.ApiTestSupport.error;
import static io.appliance.node.api.ApiTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.TargetSpec;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.dropwizard.util.DataSize;
import jakarta.ws.rs.core.MediaType;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DropwizardExtensionsSupport.class)
class AclsResourceTest {

    private static final ApiTestSupport SUPPORT = new ApiTestSupport();
    static final ResourceExtension API = SUPPORT.extension(new AclsResource(SUPPORT.targets, SUPPORT.requests)).build();
    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final String INITIATOR = "iqn.2026-11.io.appliance:client1";
    private static final String ACLS = "/api/v1/targets/" + TARGET + "/acls";
    private static final String SECRET = "secret-of-12+chars";
    private static final String MUTUAL = "mutual-secret-12";
    private static final String FULL = "{\"initiator\":\"" + INITIATOR + "\",\"chapUser\":\"client1\",\"chapSecret\":\"" + SECRET
            + "\",\"mutualChapUser\":\"target1\",\"mutualChapSecret\":\"" + MUTUAL + "\",\"luns\":{\"0\":0}}";

    @TempDir
    Path stateDirectory;

    @BeforeEach
    void open() throws Exception {
        SUPPORT.open(stateDirectory);
        SUPPORT.node().manager().createTarget(new TargetSpec(TARGET, "", false));
        SUPPORT.node().manager().createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));
    }

    @AfterEach
    void close() throws Exception {
        SUPPORT.close();
    }

    @Test
    void secretsGoInButNeverComeOut() throws Exception {
        String created = authorized(API, ACLS).post(json(FULL)).readEntity(String.class);
        String listed = authorized(API, ACLS).get(String.class);
        String shown = authorized(API, ACLS + "/" + INITIATOR).get(String.class);

        for (String text : new String[] {created, listed, shown}) {
            assertThat(text).doesNotContain(SECRET).doesNotContain(MUTUAL).contains("\"chap\":true");
        }
        JsonNode acl = ApiTestSupport.MAPPER.readTree(shown);
        assertThat(acl.path("chapUser").asText()).isEqualTo("client1");
        assertThat(acl.path("mutualChap").asBoolean()).isTrue();
        assertThat(acl.path("luns").path("0").asInt()).isZero();
        var entry = SUPPORT.node().registry().find(TARGET).orElseThrow().admit(INITIATOR).orElseThrow();
        assertThat(entry.chap()).contains(new ChapCredentials("client1", SECRET));
    }

    @Test
    void invalidFieldsAreNamedWithoutEchoingSecrets() throws Exception {
        String tooShort = error(authorized(API, ACLS).post(json(
                "{\"initiator\":\"" + INITIATOR + "\",\"chapUser\":\"u\",\"chapSecret\":\"shortsecret\"}")), 422);
        assertThat(tooShort).isEqualTo("field 'chapSecret': must be at least 12 bytes (96 bits, RFC 7143 §12.1.3)");
        assertThat(error(authorized(API, ACLS).post(json(
                "{\"initiator\":\"" + INITIATOR + "\",\"mutualChapUser\":\"t\",\"mutualChapSecret\":\"" + MUTUAL + "\"}")), 422))
                .isEqualTo("field 'mutualChapUser': mutual CHAP needs chapUser and chapSecret as well");
        assertThat(error(authorized(API, ACLS).post(json("{\"initiator\":\"client1\"}")), 422)).startsWith("field 'initiator'");
        assertThat(error(authorized(API, ACLS).post(json("{\"initiator\":\"" + INITIATOR + "\",\"luns\":{\"0\":9}}")), 422))
                .startsWith("field 'luns': maps to LUNs that target");
        assertThat(body(authorized(API, ACLS).get(), 200)).isEmpty();
    }

    @Test
    void patchChangesCredentialsAndMapping() throws Exception {
        authorized(API, ACLS).post(json(FULL)).close();
        JsonNode noMutual = body(authorized(API, ACLS + "/" + INITIATOR)
                .method("PATCH", json("{\"mutualChapUser\":null,\"mutualChapSecret\":null,\"luns\":{\"0\":null,\"5\":0}}")), 200);
        assertThat(noMutual.path("chap").asBoolean()).isTrue();
        assertThat(noMutual.path("mutualChap").asBoolean()).isFalse();
        assertThat(noMutual.path("luns").size()).isEqualTo(1);
        assertThat(noMutual.path("luns").path("5").asInt()).isZero();
        var entry = SUPPORT.node().registry().find(TARGET).orElseThrow().admit(INITIATOR).orElseThrow();
        assertThat(entry.mutualChap()).isEmpty();
        assertThat(entry.chap()).contains(new ChapCredentials("client1", SECRET));

        assertThat(error(authorized(API, ACLS + "/" + INITIATOR).method("PATCH", json("{\"chapSecret\":null}")), 422))
                .isEqualTo("field 'chapSecret': is required when chapUser is set");
        assertThat(error(authorized(API, ACLS + "/" + INITIATOR)
                .method("PATCH", json("{\"initiator\":\"iqn.2026-11.io.appliance:other\"}")), 422))
                .startsWith("field 'initiator': cannot be changed");
    }

    @Test
    void unknownIs404DuplicateIs409() throws Exception {
        assertThat(error(authorized(API, ACLS + "/" + INITIATOR).get(), 404)).isEqualTo("target " + TARGET + " has no ACL for " + INITIATOR);
        authorized(API, ACLS).post(json(FULL)).close();
        assertThat(error(authorized(API, ACLS).post(json("{\"initiator\":\"" + INITIATOR.toUpperCase() + "\"}")), 409))
                .contains("already has an ACL");
        assertThat(authorized(API, ACLS + "/" + INITIATOR).delete().getStatus()).isEqualTo(204);
        assertThat(SUPPORT.node().registry().find(TARGET).orElseThrow().admit(INITIATOR)).isEmpty();
        assertThat(error(authorized(API, ACLS + "/" + INITIATOR).delete(), 404)).contains("has no ACL");
    }

    @Test
    void withoutTheTokenItIs401() throws Exception {
        error(API.target(ACLS).request(MediaType.APPLICATION_JSON_TYPE).post(json(FULL)), 401);
        error(API.target(ACLS).request(MediaType.APPLICATION_JSON_TYPE).get(), 401);
        assertThat(SUPPORT.node().manager().acls(TARGET)).isEmpty();
    }
}
