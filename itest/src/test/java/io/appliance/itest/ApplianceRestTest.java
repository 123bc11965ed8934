package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ApplianceRest;
import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API changes what the iSCSI service offers, live: targets, LUNs and CHAP ACLs made over HTTP are served. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplianceRestTest {

    private static final Duration TOOL_LIMIT = Duration.ofSeconds(60);
    private static final String INITIATOR = "iqn.2026-11.io.appliance.itest:rest-client";

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private ApplianceProcess appliance;
    private ApplianceRest rest;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.startWithOpenTarget("16MiB"));
        rest = appliance.rest();
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void refusesCallsWithoutTheToken() throws Exception {
        assertThat(rest.anonymous().get("/status").status()).isEqualTo(401);
        assertThat(rest.anonymous().get("/targets").status()).isEqualTo(401);
    }

    @Test
    void statusDescribesTheNode() throws Exception {
        JsonNode status = rest.get("/status").expect(200);

        assertThat(status.path("nodeName").asText()).isEqualTo("itest");
        assertThat(status.path("portals").toString()).contains("127.0.0.1:" + appliance.iscsiPort());
        assertThat(status.path("targets").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aTargetAndLunCreatedOverRestAreServedAndGoneAfterDelete() throws Exception {
        String name = "iqn.2026-11.io.appliance.itest:rest-open";
        assertSuccess(rest.post("/targets", Map.of("name", name, "alias", "rest-open", "openAccess", true)));
        JsonNode lun = assertSuccess(rest.post("/targets/" + name + "/luns",
                Map.of("lun", 0, "size", "8MiB", "backingFile", "luns/rest-open-lun0.img", "readOnly", false)));
        assertThat(lun.path("size").asLong()).as("%s", lun).isEqualTo(8L << 20);
        assertThat(lun.path("uuid").asText()).as("%s", lun).isNotBlank();
        assertThat(lun.path("serial").asText()).as("%s", lun).isNotBlank();
        assertThat(lun.path("naa").asText()).as("%s", lun).isNotBlank();

        IscsiEndpoint endpoint = appliance.endpoint(name, 0);
        ToolResult capacity = Tool.of("iscsi-readcapacity16", endpoint.lunUrl()).timeout(TOOL_LIMIT).run();
        assertThat(capacity.succeeded()).as(capacity.describe()).isTrue();
        assertThat(InitiatorOutput.totalSize(capacity.stdout())).as(capacity.describe()).hasValue(8L << 20);

        assertSuccess(rest.delete("/targets/" + name + "/luns/0"));
        assertSuccess(rest.delete("/targets/" + name));
        assertThat(rest.get("/targets/" + name).status()).isEqualTo(404);
        ToolResult listing = Tool.of("iscsi-ls", appliance.defaultEndpoint().portalUrl()).timeout(TOOL_LIMIT).run();
        assertThat(listing.succeeded()).as(listing.describe()).isTrue();
        assertThat(listing.stdout()).as(listing.describe()).doesNotContain(name).contains(ApplianceProcess.DEFAULT_TARGET);
    }

    @Test
    void aChapAclCreatedOverRestGuardsTheTargetAndHidesItsSecret() throws Exception {
        String name = "iqn.2026-11.io.appliance.itest:rest-chap";
        String user = "rest-user";
        String secret = "rest-secret-0123";
        assertSuccess(rest.post("/targets", Map.of("name", name, "alias", "rest-chap", "openAccess", false)));
        assertSuccess(rest.post("/targets/" + name + "/luns", Map.of("lun", 0, "size", "8MiB")));
        assertSuccess(rest.post("/targets/" + name + "/acls", Map.of("initiator", INITIATOR, "chapUser", user, "chapSecret", secret)));

        ApplianceRest.Response acls = rest.get("/targets/" + name + "/acls");
        assertThat(acls.status()).isEqualTo(200);
        assertThat(acls.body()).contains(INITIATOR).doesNotContain(secret);
        assertThat(acls.body().replace(" ", "")).contains("\"chap\":true");

        IscsiEndpoint endpoint = appliance.endpoint(name, 0);
        ToolResult allowed = Tool.of("iscsi-readcapacity16", "-i", INITIATOR, endpoint.lunUrl(user, secret)).timeout(TOOL_LIMIT).run();
        ToolResult wrongSecret = Tool.of("iscsi-readcapacity16", "-i", INITIATOR, endpoint.lunUrl(user, "rest-secret-9999"))
                .timeout(TOOL_LIMIT).run();
        assertThat(allowed.succeeded()).as(allowed.describe()).isTrue();
        assertThat(InitiatorOutput.totalSize(allowed.stdout())).as(allowed.describe()).hasValue(8L << 20);
        assertThat(wrongSecret.exitCode()).as(wrongSecret.describe()).isNotZero();
        assertThat(wrongSecret.stdout()).as(wrongSecret.describe()).doesNotContain("Total size:");
    }

    @Test
    void anInvalidLunNumberIsRefusedNamingTheField() throws Exception {
        ApplianceRest.Response refused = rest.post("/targets/" + ApplianceProcess.DEFAULT_TARGET + "/luns",
                Map.of("lun", 99999, "size", "8MiB"));

        assertThat(refused.status()).as(refused.body()).isBetween(400, 499);
        assertThat(refused.body()).contains("lun");
    }

    private static JsonNode assertSuccess(ApplianceRest.Response response) {
        assertThat(response.status()).as("%s -> %s %s", response.request(), response.status(), response.body()).isBetween(200, 299);
        return response.body().isBlank() ? null : response.json();
    }
}
