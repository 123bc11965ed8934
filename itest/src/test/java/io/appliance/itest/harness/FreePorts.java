package io.appliance.itest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks loopback TCP ports that were free a moment ago, by letting the kernel choose (bind to port 0). */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port free on 127.0.0.1 right now. Another process may still take it before the caller binds
     * it; the harnesses accept that small race because they start the server right after.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
