package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The initiator-tool tests against the appliance, plus the identity the REST API and INQUIRY must agree on. */
class ApplianceInitiatorToolsTest extends InitiatorToolsContract {

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.startWithOpenTarget("64MiB"));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Override
    protected IscsiEndpoint endpoint() {
        return appliance.defaultEndpoint();
    }

    /**
     * VPD page 80h carries the LUN object's {@code serial} and page 83h its {@code naa}. iscsi-inq
     * prints a binary designator as a C string, so its output holds the NAA bytes up to the first
     * zero byte; the test expects exactly that prefix.
     */
    @Test
    void vitalProductDataCarriesTheSerialAndNaaOfTheRestLunObject() throws Exception {
        JsonNode lun = appliance.rest().get("/targets/" + ApplianceProcess.DEFAULT_TARGET + "/luns/0").expect(200);
        String serial = lun.path("serial").asText();
        byte[] naa = naaBytes(lun.path("naa").asText());
        assertThat(serial).as("serial in %s", lun).isNotBlank();
        assertThat(naa).as("naa in %s", lun).hasSize(16);
        assertThat(naa[0] & 0xF0).as("NAA 6 (IEEE Registered Extended)").isEqualTo(0x60);
        assertThat(lun.path("size").asLong()).isEqualTo(LUN_SIZE);

        ToolResult page80 = Tool.of("iscsi-inq", "-e", "1", "-c", "128", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();
        ToolResult page83 = Tool.of("iscsi-inq", "-e", "1", "-c", "131", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();

        assertThat(page80.succeeded()).as(page80.describe()).isTrue();
        assertThat(page80.stdout()).as(page80.describe())
                .containsPattern("Unit Serial Number:\\[\\s*" + Pattern.quote(serial) + "\\]");
        assertThat(page83.succeeded()).as(page83.describe()).isTrue();
        assertThat(page83.stdoutLatin1()).as(page83.describe())
                .contains("Designator Type:(3) NAA\nDesignator:[" + printedAsCString(naa) + "]\n");
    }

    /** Accepts the hex digits with or without a {@code naa.} or {@code 0x} prefix and separators. */
    private static byte[] naaBytes(String text) {
        String digits = text.toLowerCase().replaceFirst("^(naa\\.|0x)", "").replace(":", "").replace("-", "");
        return HexFormat.of().parseHex(digits);
    }

    private static String printedAsCString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }
}
