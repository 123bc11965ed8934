package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.SeedTarget;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bytes no initiator should send, before any login: the target closes the connection and the node
 * goes on serving others. A raw socket stands in for the client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplianceMalformedInputTest {

    /** Short, so that a stalled half-header is dropped quickly; the default is 15 s. */
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(20);
    private static final int BHS_LENGTH = 48;

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.start(
                List.of(SeedTarget.open(ApplianceProcess.DEFAULT_TARGET, new SeedTarget.SeedLun(0, "16MiB"))),
                Map.of("loginTimeout", LOGIN_TIMEOUT.toSeconds() + "s")));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    /** After every test: the node is up and a real initiator still gets in. */
    @AfterEach
    void nodeStillServes() throws Exception {
        assertThat(appliance.isAlive()).as("appliance process alive").isTrue();
        ToolResult listing = Tool.of("iscsi-ls", "-s", appliance.defaultEndpoint().portalUrl())
                .timeout(Duration.ofSeconds(30)).run();
        assertThat(listing.succeeded()).as(listing.describe()).isTrue();
        assertThat(listing.stdout()).as(listing.describe()).contains("Lun:0");
    }

    @Test
    void aGarbageHeaderGetsTheConnectionClosed() throws Exception {
        byte[] garbage = new byte[BHS_LENGTH];
        Arrays.fill(garbage, (byte) 0xFF);

        try (Socket socket = connect()) {
            socket.getOutputStream().write(garbage);
            socket.getOutputStream().flush();

            assertClosedByTarget(socket);
        }
    }

    @Test
    void aTruncatedHeaderFollowedByEndOfStreamGetsTheConnectionClosed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(loginRequestHeader(), 0, 20);
            socket.getOutputStream().flush();
            socket.shutdownOutput();

            assertClosedByTarget(socket);
        }
    }

    /** RFC 7143 §6.1: a connection that does not complete its login in time is dropped. */
    @Test
    void aTruncatedHeaderFollowedBySilenceIsDroppedAfterTheLoginTimeout() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(loginRequestHeader(), 0, 20);
            socket.getOutputStream().flush();

            assertClosedByTarget(socket);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", appliance.iscsiPort()), 5000);
        socket.setSoTimeout((int) CLOSE_LIMIT.toMillis());
        return socket;
    }

    /**
     * Reads until the target closes (end of stream or reset); a response it sends first (a Login
     * Response with an error status) is allowed. Fails if the connection stays open past the limit.
     */
    private static void assertClosedByTarget(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + CLOSE_LIMIT.toNanos();
        int received = 0;
        try {
            while (System.nanoTime() < deadline) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                received += n;
                assertThat(received).as("bytes sent back to a malformed client").isLessThan(1 << 20);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the target kept the connection open for " + CLOSE_LIMIT + " after malformed input", stillOpen);
        } catch (IOException reset) {
            return;
        }
        throw new AssertionError("the target kept the connection open for " + CLOSE_LIMIT + " after malformed input");
    }

    /**
     * A Login Request BHS (RFC 7143 §11.12): immediate, opcode 03h, Transit to operational
     * negotiation, ISID/TSIH zero, no data segment. Only its first bytes are sent.
     */
    private static byte[] loginRequestHeader() {
        byte[] header = new byte[BHS_LENGTH];
        header[0] = 0x43;
        header[1] = (byte) 0x81;
        return header;
    }
}
